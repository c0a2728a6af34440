/**
 * A broken SQLite row layout for issue 10's checkpoint-then-status-change
 * state, wired in through SimWiring.wrapStore on scenarios whose coordinator
 * runs the SQLite store (tests/sim/broken-late-states.test.ts); and a group
 * commit that leaves the queue behind a committed group waiting (the store's
 * threaded path, simulated).
 */
import Database from 'better-sqlite3';
import { type GroupResult, type OpDescriptor, type SqliteBackend, SqliteStore, type Store } from '../../../system/store/index.js';

/**
 * The compact row state written on a status change leaves the checkpoint out
 * (MUTABLE_FIELDS without 'checkpoint' in system/store/sqlite-rows.ts): a
 * claim, start, pause, lease expiry or retry after a checkpoint overwrites
 * the row's state without it, so until the next checkpoint the disk holds
 * none, and a restart resumes the execution from scratch. Terminal writes
 * and saveCheckpoint are untouched; the running coordinator's memory keeps
 * the checkpoint, so only a restart shows it.
 */
export function statusWriteDropsCheckpoint(): (inner: Store) => Store {
  return (inner) => ({
    loadAll: () => inner.loadAll(),
    submit: (records) => inner.submit(records),
    claim: (record) => inner.claim({ ...record, checkpoint: undefined }),
    saveCheckpoint: (id, cp) => inner.saveCheckpoint(id, cp),
    complete: (record) => inner.complete(record),
    update: (records) => inner.update(records.map((r) => ({ ...r, checkpoint: undefined }))),
    prune: (before) => inner.prune(before),
    stats: () => inner.stats(),
    close: () => inner.close(),
  });
}

/**
 * The compact completion statement no longer sets `completed_at`
 * (system/store/sqlite-statements.ts `compactComplete`): the row's state says
 * when it completed, but the indexed column that prune deletes by stays NULL,
 * so the store never forgets a completion that retention pruned from memory,
 * and a restart brings it back (blind set 10 #30). Planted on better-sqlite3's
 * prepare for the duration of `body` (every database the run opens), then
 * taken out again.
 */
export async function withCompletionTimeUnset<T>(body: () => Promise<T>): Promise<T> {
  const proto = Database.prototype;
  const original = proto.prepare;
  const compactComplete = /^UPDATE executions SET status = \?, completed_at = \?, (state = .*)$/s;
  let planted = 0;
  proto.prepare = function (this: Database.Database, source: string) {
    const m = compactComplete.exec(source);
    if (m === null) return original.call(this, source);
    planted++;
    // The same statement and parameters, but completed_at keeps its value (NULL).
    return original.call(this, `UPDATE executions SET status = ?, completed_at = CASE WHEN ? IS NULL THEN completed_at ELSE completed_at END, ${m[1] ?? ''}`);
  } as typeof original;
  try {
    const out = await body();
    if (planted === 0) throw new Error('withCompletionTimeUnset: no compactComplete statement was prepared (did its SQL change, or did the run not use SQLite?)');
    return out;
  } finally {
    proto.prepare = original;
  }
}

/** The fields of SqliteStore (system/store/sqlite-store.ts) its flush() reads: private there, reached here by name. */
interface FlushingStore {
  queue: { op: OpDescriptor; resolve(value: unknown): void; reject(err: unknown): void }[];
  closed: boolean;
  inFlight: number;
  backend: SqliteBackend;
  settle(group: FlushingStore['queue'], result: GroupResult): void;
}

/**
 * SqliteStore's flush() without its last step (blind set 11 #30): when a
 * group the store's thread committed settles, what was issued while it was
 * in flight is not scheduled as the next group; it waits until some other
 * operation is issued (enqueue schedules a flush only while no group is in
 * flight). Planted on SqliteStore.prototype for the duration of `body`.
 * Returns how often a settled group left operations queued behind it (the
 * defect bit), to show the threaded path ran.
 */
export async function withQueueNotRescheduled<T>(body: () => Promise<T>): Promise<{ out: T; stalled: number }> {
  const proto: object = SqliteStore.prototype;
  const original: unknown = Reflect.get(proto, 'flush');
  let stalled = 0;
  Reflect.set(proto, 'flush', function (this: FlushingStore): void {
    const group = this.queue;
    this.queue = [];
    if (group.length === 0 || this.closed) return;
    const result = this.backend.run(group.map((q) => q.op));
    if (!(result instanceof Promise)) {
      this.settle(group, result);
      return;
    }
    this.inFlight++;
    void result.then((r) => {
      this.inFlight--;
      this.settle(group, r);
      if (this.queue.length > 0) stalled++;
    });
  });
  try {
    return { out: await body(), stalled };
  } finally {
    Reflect.set(proto, 'flush', original);
  }
}
