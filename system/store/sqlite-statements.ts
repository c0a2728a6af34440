/**
 * The prepared statements of SqliteStore (schema version 3, the row layout of
 * sqlite-rows.ts). Each comment says which indexes a statement touches: the
 * store picks the statement that rewrites the fewest.
 */
import { TERMINAL_STATUSES } from '../core/model.js';
import type { Db } from './sqlite-schema.js';
import type { Row } from './sqlite-rows.js';

/** Prepares every statement the store runs, once per open database. */
export function prepareStatements(db: Db) {
  return {
    all: db.prepare<[], { doc: string; state: string | null }>('SELECT doc, state FROM executions ORDER BY rowid'),
    insert: db.prepare<Row>(
      `INSERT INTO executions (id, status, task_id, idempotency_key, created_at, completed_at, doc)
       VALUES (@id, @status, @taskId, @key, @createdAt, @completedAt, @doc)`,
    ),
    // The general update: every column an update may change (task_id and created_at are
    // fixed at submit, and leaving them out spares their index rewrite). SQLite rewrites an
    // index whenever its column is in the SET list, so the common case takes `compact`.
    update: db.prepare<Row>(
      `UPDATE executions SET status = @status, idempotency_key = @key, completed_at = @completedAt, state = @state
       WHERE id = @id`,
    ),
    // A status change that leaves key and completed_at as they are: no index is touched.
    // Zero rows changed (key or completed_at differ, or no such row) -> the general update.
    compact: db.prepare<Row>(
      `UPDATE executions SET status = @status, state = @state
       WHERE id = @id AND idempotency_key IS @key AND completed_at IS @completedAt`,
    ),
    // A completion: completed_at (indexed, for prune) is set once, the key index is left alone.
    compactComplete: db.prepare<Row>(
      `UPDATE executions SET status = @status, completed_at = @completedAt, state = @state
       WHERE id = @id AND idempotency_key IS @key`,
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
