/**
 * How SqliteStore lays an ExecutionRecord out in a row (schema version 2).
 *
 * A row holds the record as submitted in `doc` (JSON, written once by
 * submit) and, once the execution changed, its mutable part in `state`
 * (JSON of MUTABLE_FIELDS only, rewritten by every later operation). The
 * fields fixed at submission (params, metadata, retry policy, dependencies,
 * ...) are therefore serialized and written once instead of on every status
 * change: a claim, start or completion writes a few hundred bytes and no
 * index but the ones whose column really changed (see sqlite-store.ts).
 *
 * loadAll() rebuilds the record as doc overlaid with state. A row written by
 * schema version 1 (or by a full replace, see the store) has `state` NULL
 * and its doc is the whole record, so old data directories read unchanged.
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { CheckpointRecord, ExecutionRecord } from '../core/model.js';

/**
 * The fields an operation after submit may change. Everything else is fixed
 * at submission (the Store contract, store.ts); idempotencyKey is here
 * because a holder may release or change its key through update().
 */
const MUTABLE_FIELDS = [
  'status', 'attempts', 'result', 'error', 'statusHistory', 'lease', 'checkpoint',
  'nextRunAt', 'startedAt', 'completedAt', 'idempotencyKey',
] as const satisfies ReadonlyArray<keyof ExecutionRecord>;

/** Optional fields of ExecutionRecord that JSON drops when undefined. */
const OPTIONAL_FIELDS = [
  'params', 'timeoutMs', 'scheduledAt', 'idempotencyKey', 'result', 'error',
  'lease', 'checkpoint', 'nextRunAt', 'startedAt', 'completedAt',
] as const satisfies ReadonlyArray<keyof ExecutionRecord>;

/** A record as bound to the statements: the indexed columns plus the JSON document(s). */
export interface Row {
  id: string;
  status: string;
  taskId: string;
  key: string | null;
  createdAt: number;
  completedAt: number | null;
  /** The whole record (insert and full replace). */
  doc: string;
  /** MUTABLE_FIELDS only (the compact update). */
  state: string;
}

/** JSON.stringify that reports what could not be serialized. */
export function serialize(value: unknown, what: string): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw new InvalidArgumentError(`${what} is not JSON-serializable: ${String(err)}`);
  }
}

/** The JSON of a record's mutable part (an object literal: no copy of the record, no key lookups by name). */
function stateJson(r: ExecutionRecord): string {
  return serialize(
    {
      status: r.status,
      attempts: r.attempts,
      result: r.result,
      error: r.error,
      statusHistory: r.statusHistory,
      lease: r.lease,
      checkpoint: r.checkpoint,
      nextRunAt: r.nextRunAt,
      startedAt: r.startedAt,
      completedAt: r.completedAt,
      idempotencyKey: r.idempotencyKey,
    },
    `execution ${r.executionId}`,
  );
}

/** The row for an insert ('doc') or an update of the mutable part ('state'): only that JSON is built. */
export function toRow(r: ExecutionRecord, part: 'doc' | 'state'): Row {
  return {
    id: r.executionId,
    status: r.status,
    taskId: r.taskId,
    key: r.idempotencyKey ?? null,
    createdAt: r.createdAt,
    completedAt: r.completedAt ?? null,
    doc: part === 'doc' ? serialize(r, `execution ${r.executionId}`) : '',
    state: part === 'state' ? stateJson(r) : '',
  };
}

/** Sets `to[key]` to `from[key]` (typed per key: no loose record view). */
function copyField<K extends keyof ExecutionRecord>(to: ExecutionRecord, from: ExecutionRecord, key: K): void {
  to[key] = from[key];
}

/** Rebuilds a record from its row, restoring absent optional fields as undefined. */
export function fromRow(doc: string, state: string | null): ExecutionRecord {
  const r = JSON.parse(doc) as ExecutionRecord;
  if (state !== null) {
    // The state JSON holds MUTABLE_FIELDS only; a field JSON dropped (undefined) must clear the doc's value.
    const s = JSON.parse(state) as ExecutionRecord;
    for (const f of MUTABLE_FIELDS) copyField(r, s, f);
  }
  for (const f of OPTIONAL_FIELDS) if (!(f in r)) r[f] = undefined;
  const cp = r.checkpoint as Partial<CheckpointRecord> | undefined;
  if (cp !== undefined && !('state' in cp)) cp.state = undefined;
  return r;
}
