/**
 * Blind set 15's "fields nobody reads" misses (#25, #29) and their class,
 * each broken variant injected through a seam (./broken/feed15-variants.ts)
 * and reported at seed 1 of the scenario that exercises it, where the real
 * system passes:
 *
 * - lone-worker and engine-features complete cpu tasks, read back at the
 *   end: a tookMs taken from two clocks (promises-task-numbers.ts);
 * - checkpoint-heavy completes sleeps resumed from checkpoints: an
 *   elapsedMs of the last attempt only (promises-task-numbers.ts);
 * - attempt-edges retries timed-out and failed attempts: stats counting
 *   timed-out executions as timedOut, a listing counting retries as
 *   attempts (promises-reads-counts.ts);
 * - dashboard-burst opens and closes dashboards inside coalescing windows
 *   that a burst overflowed: a late stream sliced from the window's start
 *   (promises-dashboard-events.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { attemptsAsRetries, cpuTookFromTwoClocks, sleepElapsedOfAttempt, TimedOutExecutionsEngine, withHubSlicingFromWindowStart } from './broken/feed15-variants.js';
import { engineFactoryOf } from './broken/variants.js';
import { simVerdict } from './broken/verdict.js';

const scenario = (name: string) => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', `${name}.yaml`));

describe('task-contract: the numbers a task kind reports (set 15 #29)', () => {
  it('a cpu tookMs of now() minus a monotonic start is reported (lone-worker, engine-features); the real kind passes', { timeout: 60_000 }, async () => {
    for (const name of ['lone-worker', 'engine-features']) {
      const s = await scenario(name);
      expect((await simVerdict(s)).text).toBe('');
      const broken = await simVerdict(s, { workerDeps: cpuTookFromTwoClocks });
      expect(broken.promises).toEqual(['task-contract']);
      expect(broken.text).toMatch(/cpu \{"ms":\d+\} read back at the end: its result says tookMs 18\d{11}, but the burn of \d+ ms ran in an attempt of \d+ ms/);
    }
  });

  it('a resumed sleep reporting only its last attempt as elapsed is reported (checkpoint-heavy); the real kind passes', { timeout: 60_000 }, async () => {
    const s = await scenario('checkpoint-heavy');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await simVerdict(s, { workerDeps: sleepElapsedOfAttempt });
    expect(broken.promises).toEqual(['task-contract']);
    expect(broken.text).toMatch(/sleep \{"durationMs":\d+,"checkpointEveryMs":\d+\} read back at the end: its result says \{"sleptMs":\d+,"elapsedMs":\d+,"resumedFromMs":[1-9]\d*\}, but a completed sleep has elapsed its whole \d+ ms/);
  });
});

describe('api-contract: the dashboard feed, event by event (set 15 #25)', () => {
  it('a stream that attached mid-window sliced from the window start is reported (dashboard-burst); the real hub passes', { timeout: 60_000 }, async () => {
    const s = await scenario('dashboard-burst');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await withHubSlicingFromWindowStart(() => simVerdict(s));
    expect(broken.promises).toEqual(['api-contract']);
    // A stream attached after the window's drops: the rule on counts and the newest event alone did not see it.
    expect(broken.text).toMatch(/dashboard feed \(GET \/ui\/events, opened t=1140\): the push at t=\d+ accounts for 0 dropped \+ 0 carried events, but the coordinator published \d+ since the stream attached/);
    expect(broken.text).toMatch(/opened t=2190\): the push at t=\d+ accounts for 0 dropped/);
  });
});

describe('api-contract: the counts the listing and the stats report (set 15 class)', () => {
  it('a timedOut of executions and attempts of retries are reported (attempt-edges); the real engine and view pass', { timeout: 60_000 }, async () => {
    const s = await scenario('attempt-edges');
    expect((await simVerdict(s)).text).toBe('');
    const stats = await simVerdict(s, { engineFactory: engineFactoryOf(TimedOutExecutionsEngine) });
    expect(stats.promises).toEqual(['api-contract']);
    expect(stats.text).toMatch(/GET \/api\/v1\/stats says timedOut 1, but 3 attempt\(s\) timed out \(status changes to timeout\) and none was pruned/);
    const listed = await simVerdict(s, { wrapHttp: attemptsAsRetries });
    expect(listed.promises).toEqual(['api-contract']);
    expect(listed.text).toMatch(/listed \w+ says attempts 2, but 3 attempt\(s\) ran or may have run before the read \(3 claimed\): attempts counts the attempts that ran/);
  });
});
