/**
 * Ended executions kept as one compact value (issue 12). Without retention
 * the engine keeps every execution it ever ran in memory, and a mark-compact
 * of the old generation costs per live OBJECT: an ended record was about ten
 * (the record, its history and the history's array, params, result, error,
 * boxed timestamps...). Once an ending committed and nothing in flight
 * refers to it, the record table (record-table.ts) swaps it for an
 * EndedRecord: the fields hot paths read (status, kind, ids, idempotency
 * key, dependencies, createdAt, completedAt) flat, every other field in one
 * JSON string (a leaf the marker does not scan), decoded on read into an
 * equal ExecutionRecord (same values, same key order as newRecord's).
 *
 * Only a record whose content JSON gives back exactly is packed (plain
 * objects and arrays, finite numbers, no undefined inside): an embedder's
 * Date or Map in params stays a full record, as before.
 */
import type { ExecutionId, TaskId } from '../core/ids.js';
import type { ExecutionRecord, ExecutionStatus, RetryPolicy } from '../core/model.js';
import { CompactHistory, joinTime, splitTime } from '../core/status-history.js';

/** The fields hot paths read without decoding: an ExecutionRecord and an EndedRecord both have them. */
export interface RecordView {
  readonly executionId: ExecutionId;
  readonly taskId: TaskId;
  readonly kind: string;
  readonly status: ExecutionStatus;
  readonly idempotencyKey: string | undefined;
  readonly dependencies: readonly ExecutionId[];
  readonly createdAt: number;
  readonly completedAt: number | undefined;
}

/** Nesting past this is not packed (JSON would manage, the check's recursion need not). */
const MAX_DEPTH = 64;

/** An ended execution as one compact value; see the file header. */
export class EndedRecord implements RecordView {
  constructor(
    readonly executionId: ExecutionId,
    readonly taskId: TaskId,
    readonly kind: string,
    readonly status: ExecutionStatus,
    readonly idempotencyKey: string | undefined,
    readonly dependencies: ExecutionId[],
    private readonly createdHigh: number,
    private readonly createdLow: number,
    /** -1 when completedAt is undefined. */
    private readonly completedHigh: number,
    private readonly completedLow: number,
    /** The other fields: [mask of the undefined ones, then each field (null when undefined)]. */
    readonly packed: string,
  ) {}

  get createdAt(): number {
    return joinTime(this.createdHigh, this.createdLow);
  }

  get completedAt(): number | undefined {
    return this.completedHigh < 0 ? undefined : joinTime(this.completedHigh, this.completedLow);
  }
}

/** The values a packed record names instead of writing them (shared-values.ts): 0 in their slot. */
export interface PackShared {
  readonly retry: RetryPolicy;
  readonly metadata: Record<string, unknown>;
}

const splittable = (t: number | undefined): boolean => t === undefined || (Number.isSafeInteger(t) && t >= 0);

/** `rec` as an EndedRecord, or undefined when some content would not come back exactly from JSON. */
export function packEnded(rec: ExecutionRecord, shared: PackShared): EndedRecord | undefined {
  if (!(rec.statusHistory instanceof CompactHistory) || rec.lease !== undefined) return undefined;
  if (!splittable(rec.createdAt) || !splittable(rec.completedAt)) return undefined;
  const retry = rec.retry === shared.retry ? 0 : rec.retry;
  const metadata = rec.metadata === shared.metadata ? 0 : rec.metadata;
  const fields: unknown[] = [rec.params, rec.priority, retry, rec.timeoutMs, rec.scheduledAt, metadata, rec.attempts, rec.result, rec.error];
  fields.push(rec.checkpoint, rec.nextRunAt, rec.startedAt);
  let mask = 0;
  for (let i = 0; i < fields.length; i++) {
    const v = fields[i];
    if (v === undefined) mask |= 1 << i;
    else if (!exactJson(v, 0)) return undefined;
  }
  // JSON.stringify answers a rope (a tree of cons strings over its parts, ~5 heap objects): copied
  // through a Buffer it is one flat string, a single leaf for the marker.
  const packed = Buffer.from(JSON.stringify([mask, ...fields, rec.statusHistory.pack()]), 'utf8').toString('utf8');
  const [createdHigh, createdLow] = splitTime(rec.createdAt);
  const [completedHigh, completedLow] = rec.completedAt === undefined ? [-1, 0] : splitTime(rec.completedAt);
  return new EndedRecord(
    rec.executionId,
    rec.taskId,
    rec.kind,
    rec.status,
    rec.idempotencyKey,
    rec.dependencies,
    createdHigh,
    createdLow,
    completedHigh,
    completedLow,
    packed,
  );
}

/** The ExecutionRecord `e` was packed from: equal values, newRecord's key order, a fresh object. */
export function unpackEnded(e: EndedRecord, shared: PackShared): ExecutionRecord {
  const v = JSON.parse(e.packed) as unknown[];
  const mask = v[0] as number;
  const at = (i: number): unknown => ((mask & (1 << i)) !== 0 ? undefined : v[i + 1]);
  const history = CompactHistory.unpack(v[13]);
  if (history === undefined) throw new Error(`engine: the packed record of ${e.executionId} has no history`);
  return {
    executionId: e.executionId,
    taskId: e.taskId,
    kind: e.kind,
    params: at(0),
    priority: at(1) as ExecutionRecord['priority'],
    retry: at(2) === 0 ? shared.retry : (at(2) as RetryPolicy),
    timeoutMs: at(3) as number | undefined,
    dependencies: e.dependencies,
    scheduledAt: at(4) as number | undefined,
    metadata: at(5) === 0 ? shared.metadata : (at(5) as Record<string, unknown>),
    idempotencyKey: e.idempotencyKey,
    status: e.status,
    attempts: at(6) as number,
    result: at(7),
    error: at(8) as ExecutionRecord['error'],
    statusHistory: history,
    lease: undefined,
    checkpoint: at(9) as ExecutionRecord['checkpoint'],
    nextRunAt: at(10) as number | undefined,
    createdAt: e.createdAt,
    startedAt: at(11) as number | undefined,
    completedAt: e.completedAt,
  };
}

/** Would JSON.parse(JSON.stringify(v)) give back an equal value (plain data only, nothing undefined inside)? */
function exactJson(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object':
      break;
    default:
      return false;
  }
  if (v === null) return true;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return false;
    for (let i = 0; i < v.length; i++) if (!(i in v) || !exactJson(v[i], depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype || Object.getOwnPropertySymbols(v).length > 0) return false;
  const keys = Object.keys(v);
  if (keys.length !== Object.getOwnPropertyNames(v).length) return false;
  for (const k of keys) if (!exactJson((v as Record<string, unknown>)[k], depth + 1)) return false;
  return true;
}
