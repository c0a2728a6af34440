/**
 * The committed state of MemoryStore (memory-store.ts) and its undoable
 * writes: each operation applies atomically, undoing itself if it fails half-way.
 */
import { ErrorCode, SquallError } from '../core/errors.js';
import type { ExecutionId } from '../core/ids.js';
import type { ExecutionRecord } from '../core/model.js';

/**
 * The committed records: what survives a crash. A store and the one reopened
 * after it share this object, as two lives of a process share a disk.
 */
export class MemoryDurableState {
  /** Committed records by id, in first-insertion order. */
  readonly records = new Map<ExecutionId, ExecutionRecord>();
  /** Idempotency key → id of the committed record holding it. */
  readonly keys = new Map<string, ExecutionId>();
  /** Commit groups applied over the lifetime of this state (all store instances). */
  commits = 0;
}

/** Undo closures of one operation, run in reverse when it fails half-way. */
export type UndoLog = Array<() => void>;

/** Runs body; if it throws, undoes what it did (newest first) and rethrows. */
export function run(undo: UndoLog, body: () => void): void {
  try {
    body();
  } catch (err) {
    for (let i = undo.length - 1; i >= 0; i--) undo[i]?.();
    throw err;
  }
}

/** Inserts or overwrites a record, keeping the idempotency-key index unique. */
export function put(s: MemoryDurableState, r: ExecutionRecord, undo: UndoLog): void {
  const key = r.idempotencyKey;
  if (key !== undefined) {
    const holder = s.keys.get(key);
    if (holder !== undefined && holder !== r.executionId) {
      throw new SquallError(
        ErrorCode.Conflict,
        `idempotencyKey ${JSON.stringify(key)} of execution ${r.executionId} is already held by execution ${holder}`,
      );
    }
  }
  const previous = s.records.get(r.executionId);
  if (previous?.idempotencyKey !== undefined) s.keys.delete(previous.idempotencyKey);
  if (key !== undefined) s.keys.set(key, r.executionId);
  s.records.set(r.executionId, r);
  undo.push(() => {
    if (key !== undefined) s.keys.delete(key);
    if (previous === undefined) {
      s.records.delete(r.executionId);
    } else {
      s.records.set(r.executionId, previous);
      if (previous.idempotencyKey !== undefined) s.keys.set(previous.idempotencyKey, r.executionId);
    }
  });
}

/** Deletes a record and its idempotency key; undo puts it back. */
export function remove(s: MemoryDurableState, id: ExecutionId, undo: UndoLog): void {
  const previous = s.records.get(id);
  if (previous === undefined) return;
  s.records.delete(id);
  if (previous.idempotencyKey !== undefined) s.keys.delete(previous.idempotencyKey);
  undo.push(() => put(s, previous, []));
}
