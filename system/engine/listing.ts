/**
 * The listing index: executions in a stable order (createdAt, then id) with an
 * opaque cursor, so pages never skip or repeat an execution even while new
 * ones arrive (they sort after existing ones unless the clock went back).
 */
import { InvalidArgumentError } from '../core/errors.js';
import { EXECUTION_STATUSES, type ExecutionStatus } from '../core/model.js';
import type { RecordView } from './ended-record.js';

const before = (a: RecordView, createdAt: number, id: string): boolean =>
  a.createdAt !== createdAt ? a.createdAt < createdAt : a.executionId < id;

export interface ParsedQuery {
  status: ExecutionStatus | undefined;
  taskId: string | undefined;
  limit: number;
  after: { createdAt: number; id: string } | undefined;
}

function encodeCursor(rec: RecordView): string {
  return Buffer.from(JSON.stringify([rec.createdAt, rec.executionId])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return { createdAt: v[0], id: v[1] };
  } catch {
    // fall through
  }
  throw new InvalidArgumentError('cursor is not a cursor returned by a previous listing (use its nextCursor)', 'cursor');
}

/** Validates a listing query: limit default 100, 1..1000. */
export function parseQuery(q: { status?: string; taskId?: string; limit?: number; cursor?: string }): ParsedQuery {
  if (q.status !== undefined && !(EXECUTION_STATUSES as readonly string[]).includes(q.status)) {
    throw new InvalidArgumentError(`status must be one of ${EXECUTION_STATUSES.join(', ')}, got ${JSON.stringify(q.status)}`, 'status');
  }
  const limit = q.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new InvalidArgumentError(`limit must be an integer from 1 to 1000, got ${JSON.stringify(q.limit)}`, 'limit');
  }
  return {
    status: q.status as ExecutionStatus | undefined,
    taskId: q.taskId,
    limit,
    after: q.cursor === undefined || q.cursor === '' ? undefined : decodeCursor(q.cursor),
  };
}

export class ListingIndex {
  private readonly items: RecordView[] = [];

  get size(): number {
    return this.items.length;
  }

  add(rec: RecordView): void {
    const last = this.items[this.items.length - 1];
    if (last === undefined || before(last, rec.createdAt, rec.executionId)) {
      this.items.push(rec);
      return;
    }
    this.items.splice(this.lowerBound(rec.createdAt, rec.executionId), 0, rec);
  }

  /** Puts `rec` in the place of the item with its (createdAt, id): an ended record now kept compact. */
  replace(rec: RecordView): void {
    const i = this.lowerBound(rec.createdAt, rec.executionId);
    if (this.items[i]?.executionId === rec.executionId) this.items[i] = rec;
  }

  /** Drops records for which `gone` is true (one pass). */
  removeWhere(gone: (rec: RecordView) => boolean): void {
    let j = 0;
    for (const rec of this.items) if (!gone(rec)) this.items[j++] = rec;
    this.items.length = j;
  }

  /** One page of matching records after the cursor, plus the next cursor (null at the end). */
  page(q: ParsedQuery): { executions: RecordView[]; nextCursor: string | null } {
    let i = q.after === undefined ? 0 : this.lowerBound(q.after.createdAt, q.after.id);
    const at = this.items[i];
    if (q.after !== undefined && at !== undefined && at.createdAt === q.after.createdAt && at.executionId === q.after.id) i++;
    const out: RecordView[] = [];
    for (; i < this.items.length; i++) {
      const rec = this.items[i] as RecordView;
      if (q.status !== undefined && rec.status !== q.status) continue;
      if (q.taskId !== undefined && rec.taskId !== q.taskId) continue;
      if (out.length === q.limit) return { executions: out, nextCursor: encodeCursor(out[out.length - 1] as RecordView) };
      out.push(rec);
    }
    return { executions: out, nextCursor: null };
  }

  /** First index whose record is not before (createdAt, id). */
  private lowerBound(createdAt: number, id: string): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.items[mid] as RecordView, createdAt, id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
