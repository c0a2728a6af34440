/**
 * How SqliteStore lays an ExecutionRecord out in a row (schema version 3).
 *
 * A row holds the record as submitted in `doc` (JSON, written once by
 * submit), once the execution changed its mutable part in `state` (JSON of
 * MUTABLE_FIELDS but the history, rewritten by every later operation), and
 * the status history in `hist`: its entries as JSON joined by commas, with
 * their count in `hist_n`. A status change appends its new entries to
 * `hist` instead of writing the whole history again: the store knows how
 * many entries a row holds from its own earlier writes (sqlite-store.ts,
 * HistoryCounts), sends those after them and the statement checks `hist_n`
 * (sqlite-statements.ts). The fields fixed at submission (params,
 * metadata, retry policy, dependencies, ...) are therefore serialized and
 * written once, and a claim or completion writes about a hundred bytes of
 * state plus one or two history entries.
 *
 * An insert leaves `hist` NULL: the history is the doc's until the first
 * write after submit (the claim), which writes the whole history (two
 * entries) and its count; later writes append.
 *
 * loadAll() rebuilds the record as doc overlaid with state, its history from
 * `hist` when set. Rows of schema versions 1 and 2 have `hist` NULL too:
 * their history is in `state` (v2) or in the doc (v1, `state` NULL too, the
 * doc being the whole record), so old data directories read unchanged;
 * their first write by this version writes the whole history.
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { CheckpointRecord, ExecutionRecord, StatusEntry } from '../core/model.js';
import type { StatusHistory } from '../core/status-history.js';

/**
 * The fields an operation after submit may change. Everything else is fixed
 * at submission (the Store contract, store.ts); idempotencyKey is here
 * because a holder may release or change its key through update().
 * statusHistory lives in its own column (see the file header).
 */
const MUTABLE_FIELDS = [
  'status', 'attempts', 'result', 'error', 'lease', 'checkpoint',
  'nextRunAt', 'startedAt', 'completedAt', 'idempotencyKey',
] as const satisfies ReadonlyArray<keyof ExecutionRecord>;

/** Optional fields of ExecutionRecord that JSON drops when undefined. */
const OPTIONAL_FIELDS = [
  'params', 'timeoutMs', 'scheduledAt', 'idempotencyKey', 'result', 'error',
  'lease', 'checkpoint', 'nextRunAt', 'startedAt', 'completedAt',
] as const satisfies ReadonlyArray<keyof ExecutionRecord>;

/**
 * A record as bound to the statements (sqlite-statements.ts runWrite): its
 * fields in the order of COL, appended by appendRow to the operation that
 * writes it (sqlite-exec.ts OpDescriptor) and posted to the store's thread
 * as they are: one flat array of scalars per operation clones for about
 * half of what objects with named fields (or an array per row) cost, and
 * binds without a lookup by name. The fields:
 *
 * - status, taskId, key (or null), createdAt, completedAt (or null);
 * - doc: the whole record (insert only; '' otherwise);
 * - state: MUTABLE_FIELDS (updates only; '' for an insert);
 * - hist: history entries: all of them (full write), or the ones after
 *   histFrom to append ('' when none, led by a comma when the row holds
 *   some); '' for an insert;
 * - histFrom: how many entries the row holds before this write (append),
 *   or -1: `hist` is the whole history;
 * - histN: how many entries the row holds after it;
 * - id.
 */
export type RowField = string | number | null;

/** Where each field sits in a row, from the row's first field. */
export const COL = { status: 0, taskId: 1, key: 2, createdAt: 3, completedAt: 4, doc: 5, state: 6, hist: 7, histFrom: 8, histN: 9, id: 10 } as const;
/** How many fields a row has. */
export const ROW_LENGTH = 11;

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

/** History entries from index `from` on, as JSON joined by commas ('' for none), led by a comma after `from` > 0 entries. */
function entriesJson(history: StatusHistory, from: number, id: string): string {
  if (from >= history.length) return '';
  const json = serialize(from === 0 ? history : history.slice(from), `the status history of execution ${id}`);
  return from === 0 ? json.slice(1, -1) : `,${json.slice(1, -1)}`;
}

/**
 * Appends to `out` the row for an insert ('doc': the whole record, its history included) or an update
 * of the mutable part ('state'), appending the history entries after the
 * `stored` ones the row holds, or writing the whole history when that count
 * is not known (undefined) or larger than the record's.
 */
export function appendRow(out: RowField[], r: ExecutionRecord, part: 'doc' | 'state', stored?: number): void {
  const id = r.executionId;
  const n = r.statusHistory.length;
  const from = part === 'state' && stored !== undefined && stored <= n ? stored : -1;
  out.push(
    r.status,
    r.taskId,
    r.idempotencyKey ?? null,
    r.createdAt,
    r.completedAt ?? null,
    part === 'doc' ? serialize(r, `execution ${id}`) : '',
    part === 'state' ? stateJson(r) : '',
    part === 'state' ? entriesJson(r.statusHistory, from < 0 ? 0 : from, id) : '',
    from,
    n,
    id,
  );
}

/** Sets `to[key]` to `from[key]` (typed per key: no loose record view). */
function copyField<K extends keyof ExecutionRecord>(to: ExecutionRecord, from: ExecutionRecord, key: K): void {
  to[key] = from[key];
}

/** Rebuilds a record from its row, restoring absent optional fields as undefined. */
export function fromRow(doc: string, state: string | null, hist: string | null): ExecutionRecord {
  const r = JSON.parse(doc) as ExecutionRecord;
  if (state !== null) {
    // The state JSON holds MUTABLE_FIELDS; a field JSON dropped (undefined) must clear the doc's value.
    const s = JSON.parse(state) as ExecutionRecord;
    for (const f of MUTABLE_FIELDS) copyField(r, s, f);
    // Schema v2 kept the history in the state.
    if (s.statusHistory !== undefined) r.statusHistory = s.statusHistory;
  }
  if (hist !== null) r.statusHistory = JSON.parse(`[${hist}]`) as StatusEntry[];
  for (const f of OPTIONAL_FIELDS) if (!(f in r)) r[f] = undefined;
  const cp = r.checkpoint as Partial<CheckpointRecord> | undefined;
  if (cp !== undefined && !('state' in cp)) cp.state = undefined;
  return r;
}
