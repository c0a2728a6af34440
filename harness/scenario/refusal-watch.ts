/**
 * Promise 35 (hygiene) mid-run: a submission whose store commit failed (a
 * full disk, an I/O error) is refused and rolled back, and nothing of it may
 * stay in any engine index (dependents lists, idempotency keys, sequence
 * numbers...) meanwhile: blind set 19 #12 left a rolled-back submission in
 * its dependencies' dependents lists, a leak growing with storage trouble
 * that the reload after recovery hid from the final read. So 1 ms after each
 * failed submit write (after the engine's rollback, long before the store
 * probe that leads to a reload), the coordinator's per-execution memory is
 * read (hygiene-watch.ts heldMemory, unknown executions only) and noted as
 * `heldAfterRefusal`; harness/check/promises-held.ts judges it.
 */
import type { HistoryRecorder } from '../check/history.js';
import type { CommitObserver } from '../sim/commit-observer.js';
import type { Simulation } from '../sim/index.js';
import { heldMemory } from './hygiene-watch.js';

/** At most this many samples a run (the first refusals tell). */
const MAX_SAMPLES = 40;

/** `inner`, also calling `onRefused` when a staged submit write fails. */
function refusedSubmits(inner: CommitObserver, onRefused: () => void): CommitObserver {
  const submits = new Set<number>();
  return {
    staged: (write) => {
      const token = inner.staged(write);
      if (write?.op === 'submit') submits.add(token);
      return token;
    },
    committed: (token) => {
      submits.delete(token);
      inner.committed(token);
    },
    failed: (token) => {
      inner.failed(token);
      if (submits.delete(token)) onRefused();
    },
    crashed: () => {
      submits.clear();
      inner.crashed();
    },
  };
}

/** What to run on a refused submission: one sample 1 ms later (refusals in the same ms share it). */
function sampleAfterRefusal(sim: Simulation, recorder: HistoryRecorder): () => void {
  let armed = false;
  let taken = 0;
  return () => {
    if (armed || taken >= MAX_SAMPLES) return;
    armed = true;
    const refusedAt = sim.simulatedMs;
    sim.time.setTimeout(() => {
      armed = false;
      taken += 1;
      const held = heldMemory(sim, recorder, { unknownOnly: true });
      if (held !== undefined) recorder.recordInfo({ heldAfterRefusal: { ...held, refusedAt } });
    }, 1);
  };
}

/** The run's commit observer: the recorder, watched for refused submissions (`sim`: the run's simulation, asked only once one is refused). */
export function refusalWatch(recorder: HistoryRecorder, sim: () => Simulation): CommitObserver {
  let onRefused: (() => void) | undefined;
  return refusedSubmits(recorder, () => (onRefused ??= sampleAfterRefusal(sim(), recorder))());
}
