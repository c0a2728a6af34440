/**
 * The prepared statements of SqliteStore (schema version 3, the row layout of
 * sqlite-rows.ts). Each comment says which indexes a statement touches: the
 * store picks the statement that rewrites the fewest.
 */
import { TERMINAL_STATUSES } from '../core/model.js';
import type { Db } from './sqlite-schema.js';
import type { RowField } from './sqlite-rows.js';

/** A stored row as loadAll() reads it (sqlite-rows.ts fromRow). */
export interface StoredRow {
  doc: string;
  state: string | null;
  hist: string | null;
}

/**
 * Prepares every statement the store runs, once per open database. The
 * write statements take anonymous parameters, bound from a row
 * (sqlite-rows.ts) by runWrite below in the order they appear. The history
 * is appended as `hist || ?` (the row's new entries, with their leading
 * comma when the row holds some) under the check that the row holds the
 * count the write follows (`hist_n = ?`).
 */
export function prepareStatements(db: Db) {
  return {
    all: db.prepare<[], StoredRow>('SELECT doc, state, hist FROM executions ORDER BY rowid'),
    // hist and hist_n stay NULL: the history is the doc's until the first write after submit.
    insert: db.prepare<unknown[]>(
      `INSERT INTO executions (id, status, task_id, idempotency_key, created_at, completed_at, doc)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    // The general update, writing the whole history (the store does not know what the row
    // holds). Every column an update may change (task_id and created_at are fixed at submit,
    // and leaving them out spares their index rewrite).
    update: db.prepare<unknown[]>(
      'UPDATE executions SET status = ?, idempotency_key = ?, completed_at = ?, state = ?, hist = ?, hist_n = ? WHERE id = ?',
    ),
    // The general update appending the new history entries. Zero rows changed: no such row,
    // or the row does not hold the count the write follows (an earlier write of it failed;
    // sqlite-exec.ts tells the two apart).
    append: db.prepare<unknown[]>(
      `UPDATE executions SET status = ?, idempotency_key = ?, completed_at = ?, state = ?, hist = hist || ?, hist_n = ?
       WHERE id = ? AND hist_n = ?`,
    ),
    // A status change that leaves key and completed_at as they are: no index is touched.
    // Zero rows changed (key or completed_at differ, or no such row) -> `append`.
    compact: db.prepare<unknown[]>(
      `UPDATE executions SET status = ?, state = ?, hist = hist || ?, hist_n = ?
       WHERE id = ? AND hist_n = ? AND idempotency_key IS ? AND completed_at IS ?`,
    ),
    // A completion: completed_at (indexed, for prune) is set once, the key index is left alone.
    compactComplete: db.prepare<unknown[]>(
      `UPDATE executions SET status = ?, completed_at = ?, state = ?, hist = hist || ?, hist_n = ?
       WHERE id = ? AND hist_n = ? AND idempotency_key IS ?`,
    ),
    // The checkpoint lives in `state` once the row has one, else in the doc (SET expressions
    // all see the row as it was before this UPDATE).
    checkpoint: db.prepare<{ id: string; seq: number; cp: string }>(
      `UPDATE executions SET
         state = CASE WHEN state IS NULL THEN NULL ELSE json_set(state, '$.checkpoint', json(@cp)) END,
         doc = CASE WHEN state IS NULL THEN json_set(doc, '$.checkpoint', json(@cp)) ELSE doc END
       WHERE id = @id AND coalesce(json_extract(coalesce(state, doc), '$.checkpoint.seq') < @seq, 1)`,
    ),
    exists: db.prepare<[string], { id: string }>('SELECT id FROM executions WHERE id = ?'),
    keyHolder: db.prepare<[string], { id: string }>('SELECT id FROM executions WHERE idempotency_key = ?'),
    prune: db.prepare<[number]>(
      `DELETE FROM executions WHERE completed_at IS NOT NULL AND completed_at < ?
       AND status IN (${[...TERMINAL_STATUSES].map((s) => `'${s}'`).join(', ')})`,
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

/** The write statements (a row each). */
export type WriteStatement = 'insert' | 'update' | 'append' | 'compact' | 'compactComplete';

/** Runs a write statement with the fields of the row at `d[at]` in its parameters' order (sqlite-rows.ts COL); the number of rows it changed. */
export function runWrite(stmt: Statements, how: WriteStatement, d: readonly RowField[], at: number): number {
  const status = d[at];
  const key = d[at + 2];
  const completedAt = d[at + 4];
  const state = d[at + 6];
  const hist = d[at + 7];
  const histFrom = d[at + 8];
  const histN = d[at + 9];
  const id = d[at + 10];
  switch (how) {
    case 'insert':
      return stmt.insert.run(id, status, d[at + 1], key, d[at + 3], completedAt, d[at + 5]).changes;
    case 'update':
      return stmt.update.run(status, key, completedAt, state, hist, histN, id).changes;
    case 'append':
      return stmt.append.run(status, key, completedAt, state, hist, histN, id, histFrom).changes;
    case 'compact':
      return stmt.compact.run(status, state, hist, histN, id, histFrom, key, completedAt).changes;
    case 'compactComplete':
      return stmt.compactComplete.run(status, completedAt, state, hist, histN, id, histFrom, key).changes;
  }
}
