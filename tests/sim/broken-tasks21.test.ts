/**
 * Blind set 21's task-kind miss (#07) closed by class: what an aborted
 * attempt keeps (harness/check/promises-abort-progress.ts), on
 * scenarios/abort-progress.yaml, which pauses checkpointing sleeps at
 * awkward points, cancels, times out and drains them. The real system
 * passes; each defect, injected through a seam, is caught:
 * - #07: abortReasonOf reads the wrong shape (vi.mock of system/tasks/abort.ts),
 *   so a paused sleep throws instead of checkpointing -> promise 6 (no
 *   checkpoint after the pause) and 16 (a pause ends paused without an error;
 *   the resume sleeps again what was slept);
 * - a pause checkpoint that keeps the progress of the chunk's start (a
 *   worker's sleep kind replaced) -> promise 16 (the resume sleeps again);
 * - a runner that settles a timed-out attempt as a failure (its settle
 *   wrapped) -> promise 16 (a timeout ends timeout, error `timeout`).
 */
import { describe, expect, it, vi } from 'vitest';
import type * as Abort from '../../system/tasks/abort.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { pauseCheckpointsStaleProgress, timeoutSettledAsFailure } from './broken/tasks21-variants.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ reasonAsString: false }));

vi.mock('../../system/tasks/abort.js', async (importOriginal) => {
  const real = await importOriginal<typeof Abort>();
  return {
    ...real,
    abortReasonOf: (signal: AbortSignal): Abort.AbortReason | undefined => {
      if (!plant.reasonAsString) return real.abortReasonOf(signal);
      // Broken (set 21 #07): expects the reason string, but the runner aborts with a TaskAbortedError.
      if (!signal.aborted) return undefined;
      const r: unknown = signal.reason;
      return typeof r === 'string' && (real.ABORT_REASONS as readonly string[]).includes(r) ? (r as Abort.AbortReason) : undefined;
    },
  };
});

const FILE = 'scenarios/abort-progress.yaml';

describe('abort-progress: an aborted attempt keeps the progress and outcome documented', () => {
  it.each([1, 2])('passes on the real system (seed %i)', { timeout: 60_000 }, async (seed) => {
    expect((await simVerdict(await loadScenario(FILE), undefined, seed)).text).toBe('');
  });

  it('catches a paused sleep that throws instead of checkpointing (set 21 #07: abortReasonOf misreads the abort)', { timeout: 60_000 }, async () => {
    const v = await withPlanted(flagOn(plant, 'reasonAsString'), async () => simVerdict(await loadScenario(FILE)));
    expect(v.passed).toBe(false);
    expect(v.promises).toEqual(expect.arrayContaining(['checkpoints', 'task-contract']));
    expect(v.text).toMatch(/sleep attempt 1 on w\d, paused at t=\d+, ended paused with error aborted: it threw instead of checkpointing its progress and returning/);
    expect(v.text).toMatch(/sleep 3000 ms: attempt 1 slept \d+ ms until its pause at t=\d+, yet attempt 2 \(w\d\) that completed after them ran \d+ ms/);
  });

  it('catches a pause checkpoint that keeps only the progress of its last periodic checkpoint', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await loadScenario(FILE), { workerDeps: pauseCheckpointsStaleProgress });
    expect(v.passed).toBe(false);
    expect(v.promises).toContain('task-contract');
    expect(v.text).toMatch(/sleep 3000 ms: attempt 1 slept 1\d{3} ms until its pause at t=\d+, yet attempt 2 \(w\d\) that completed after them ran \d+ ms \(at most \d+ \+ \d+\): a resume starts from the progress at the pause/);
  });

  it('catches a runner that settles a timed-out attempt as a failure', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await loadScenario(FILE), { onWorker: timeoutSettledAsFailure });
    expect(v.passed).toBe(false);
    expect(v.promises).toContain('task-contract');
    expect(v.text).toMatch(/sleep attempt 1 on w\d, aborted as "timeout" at t=\d+, ended failed \(error timeout\): a timeout ends timeout \(error timeout\)/);
  });
});
