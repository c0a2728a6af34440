/** `cpu` {ms}: keeps a core busy for ms through the Cpu seam (virtual time in simulation). */
import { z } from 'zod';
import { defineTaskKind } from './kind.js';

export const CpuParams = z.strictObject({ ms: z.number().int().min(0).max(3_600_000).describe('busy-loop on the CPU this long, in ms (at most an hour)') });
export type CpuParams = z.infer<typeof CpuParams>;

export const cpuKind = defineTaskKind<CpuParams>({
  name: 'cpu',
  description: 'Keeps a CPU busy for `ms` (cooperatively: aborts are honoured) and completes with {ms, tookMs}, tookMs the time the burn took. Never fails on its own.',
  params: CpuParams,
  async run({ ms }, ctx) {
    const t0 = ctx.clock.monotonic();
    await ctx.cpu.burn(ms, ctx.signal);
    return { ms, tookMs: ctx.clock.monotonic() - t0 };
  },
});
