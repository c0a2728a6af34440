/**
 * Live probes that meet a misbehaving system fail a promise, they never crash
 * the run. A live run reads the real system at a few points where the
 * harness used to throw when the system did not answer as it should: the
 * fleet's first sync (startFleet), the coordinator coming back after a kill
 * or restart (its /healthz), the end-of-run HTTP reads. A throw there ended
 * the run as a crash (run_crashed), with no promise named, or (the final
 * read) was swallowed into a note nothing judged. Each now leaves a
 * `liveProbe` note {probe, promise, message}, the run goes on as far as it
 * can, and harness/check/promises-live-probes.ts reports the note as a
 * violation of the promise the probe's failure breaks.
 */
import type { PromiseName } from '../check/promises.js';

/** A live probe that met a misbehaving system (note `liveProbe`). */
export interface LiveProbeFailure {
  /** Which probe: 'fleet-ready', 'coordinator-restart', 'final-read'. */
  probe: string;
  /** The promise its failure breaks. */
  promise: PromiseName;
  message: string;
}

/** Where a probe's failure goes: a note in the run's history. */
export type NoteFn = (value: Record<string, unknown>) => void;

/** Notes a probe's failure (see the file header). */
export function noteProbeFailure(note: NoteFn, failure: LiveProbeFailure): void {
  note({ liveProbe: { ...failure, message: failure.message.slice(0, 2000) } });
}

/** Runs a probe; a rejection becomes a `liveProbe` note naming `promise`, and undefined. */
export async function probed<T>(note: NoteFn, probe: string, promise: PromiseName, what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    noteProbeFailure(note, { probe, promise, message: `${what}: ${err instanceof Error ? err.message : String(err)}` });
    return undefined;
  }
}

/**
 * Waits until `unsynced()` is empty or `deadline` (monotonic ms) passes; then
 * notes the workers that never synced (promise 10: a worker connects and
 * syncs once its coordinator is up) and returns them. Never throws.
 */
export async function awaitSynced(unsynced: () => string[], total: number, deadline: number, now: () => number, wait: (ms: number) => Promise<void>, note: NoteFn): Promise<string[]> {
  while (unsynced().length > 0) {
    if (now() > deadline) {
      const late = unsynced();
      noteProbeFailure(note, { probe: 'fleet-ready', promise: 'liveness', message: `${late.length} of ${total} workers never synced with the coordinator after starting (${late.slice(0, 5).join(', ')}${late.length > 5 ? ', ...' : ''}): a worker registers and syncs once its coordinator is up` });
      return late;
    }
    await wait(50);
  }
  return [];
}
