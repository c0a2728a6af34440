/**
 * The SQLite store's worker thread (system/store/sqlite-thread.ts) on virtual
 * time: a SqliteBackend that runs the in-process executor, but commits each
 * group only after a seeded delay of the process's clock and settles its
 * promise then, as the thread's answer would arrive. Groups commit in the
 * order they were sent (the thread reads one message queue), so a later group
 * never overtakes an earlier one whatever its draw.
 *
 * What it exercises that the synchronous executor never does: SqliteStore's
 * threaded path, a group in flight (`inFlight`) while later operations queue
 * behind it and go as the next group once it settles; and the flush deferred
 * to the next turn (the store's clock seam, here the process clock, so the
 * order of turns is the simulation's, deterministic per seed).
 *
 * abandon() is kill -9: the groups not yet committed never commit, their
 * promises never settle (a dead process's), the connection is dropped.
 */
import type { Clock, Random, TimerHandle } from '../../system/core/index.js';
import type { GroupResult, OpDescriptor, SqliteBackend, SqliteExecutor, StoredRow } from '../../system/store/index.js';

/** How the simulated thread commits: each group after 1..maxCommitMs ms (seeded), in order. */
export interface SimThreadOptions {
  clock: Clock;
  random: Random;
  maxCommitMs: number;
}

/** The simulated thread as the store's backend (see the file header). */
export function simThreadBackend(executor: SqliteExecutor, options: SimThreadOptions): SqliteBackend {
  const { clock, random, maxCommitMs } = options;
  const timers = new Set<TimerHandle>();
  /** When the last group sent commits (monotonic ms): the next one commits no earlier. */
  let lastDue = 0;
  /** The last group sent: it commits last. */
  let last: Promise<GroupResult> | undefined;
  let open = true;
  const run = (ops: OpDescriptor[]): Promise<GroupResult> => {
    const due = Math.max(lastDue, clock.monotonic() + random.int(1, Math.max(1, maxCommitMs)));
    lastDue = due;
    last = new Promise<GroupResult>((resolve) => {
      const timer = clock.setTimeout(() => {
        timers.delete(timer);
        resolve(executor.runGroup(ops));
      }, due - clock.monotonic());
      timers.add(timer);
    });
    return last;
  };
  return {
    run,
    loadAll: (): StoredRow[] => executor.loadAll(),
    close: async () => {
      // What was sent before commits first, as the thread drains its queue before closing.
      if (last !== undefined) await last;
      if (open) executor.close();
      open = false;
    },
    abandon: () => {
      for (const t of timers) t.cancel();
      timers.clear();
      if (open) executor.close();
      open = false;
    },
  };
}
