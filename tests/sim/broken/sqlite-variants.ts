/**
 * A broken SQLite row layout for issue 10's checkpoint-then-status-change
 * state, wired in through SimWiring.wrapStore on scenarios whose coordinator
 * runs the SQLite store (tests/sim/broken-late-states.test.ts).
 */
import Database from 'better-sqlite3';
import type { Store } from '../../../system/store/index.js';

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
  const compactComplete = /^UPDATE executions SET status = @status, completed_at = @completedAt, state = @state\s+WHERE id = @id AND idempotency_key IS @key$/;
  let planted = 0;
  proto.prepare = function (this: Database.Database, source: string) {
    if (!compactComplete.test(source)) return original.call(this, source);
    planted++;
    return original.call(this, 'UPDATE executions SET status = @status, state = @state WHERE id = @id AND idempotency_key IS @key');
  } as typeof original;
  try {
    const out = await body();
    if (planted === 0) throw new Error('withCompletionTimeUnset: no compactComplete statement was prepared (did its SQL change, or did the run not use SQLite?)');
    return out;
  } finally {
    proto.prepare = original;
  }
}
