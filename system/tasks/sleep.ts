/**
 * `sleep` {durationMs, checkpointEveryMs?}: waits on the injected clock,
 * checkpointing {elapsedMs} every checkpointEveryMs, so a retried or resumed
 * attempt continues where the last acknowledged checkpoint left off. On pause
 * it checkpoints the time slept so far before returning.
 */
import { z } from 'zod';
import { sleep as clockSleep } from '../core/clock.js';
import { abortReasonOf } from './abort.js';
import { defineTaskKind } from './kind.js';

const WEEK_MS = 7 * 24 * 3600 * 1000;

export const SleepParams = z.strictObject({
  durationMs: z.number().int().min(0).max(WEEK_MS).describe('how long to sleep, in ms (at most a week)'),
  checkpointEveryMs: z.number().int().min(1).max(WEEK_MS).optional().describe('checkpoint the elapsed time this often; a reassigned or resumed attempt continues from the latest checkpoint'),
});
export type SleepParams = z.infer<typeof SleepParams>;

/** What a sleep checkpoint holds. */
const SleepCheckpoint = z.object({ elapsedMs: z.number().min(0) });

export const sleepKind = defineTaskKind<SleepParams>({
  name: 'sleep',
  description: 'Waits durationMs (honouring cancel, pause and timeouts), optionally checkpointing its progress; resumes from the latest checkpoint. Completes with {sleptMs, elapsedMs, resumedFromMs}: slept by this attempt, in all (durationMs), and by earlier ones (from the checkpoint). Never fails on its own.',
  params: SleepParams,
  async run({ durationMs, checkpointEveryMs }, ctx) {
    const resumed = SleepCheckpoint.safeParse(ctx.resumeFrom);
    const resumedFromMs = resumed.success ? Math.min(durationMs, resumed.data.elapsedMs) : 0;
    let elapsedMs = resumedFromMs;
    while (elapsedMs < durationMs) {
      const chunk = Math.min(checkpointEveryMs ?? durationMs, durationMs - elapsedMs);
      const t0 = ctx.clock.monotonic();
      try {
        await clockSleep(ctx.clock, chunk, ctx.signal);
      } catch (err) {
        if (abortReasonOf(ctx.signal) !== 'pause') throw err;
        elapsedMs = Math.min(durationMs, elapsedMs + Math.max(0, ctx.clock.monotonic() - t0));
        await ctx.checkpoint({ elapsedMs });
        return { paused: true, elapsedMs };
      }
      elapsedMs += chunk;
      ctx.progress(durationMs === 0 ? 1 : elapsedMs / durationMs);
      if (checkpointEveryMs !== undefined && elapsedMs < durationMs) await ctx.checkpoint({ elapsedMs });
    }
    return { sleptMs: durationMs - resumedFromMs, elapsedMs, resumedFromMs };
  },
});
