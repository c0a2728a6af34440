/**
 * A broken SQLite row layout for issue 10's checkpoint-then-status-change
 * state, wired in through SimWiring.wrapStore on scenarios whose coordinator
 * runs the SQLite store (tests/sim/broken-late-states.test.ts).
 */
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
