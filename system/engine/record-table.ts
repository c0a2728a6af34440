/**
 * The engine's execution records by id (issue 12): a live record as the
 * object the engine mutates, an ended one, once its ending committed and
 * nothing in flight refers to it, as one compact EndedRecord
 * (ended-record.ts). get() reads either as an ExecutionRecord (an ended one
 * decoded into a fresh, equal object: mutating it changes nothing, and an
 * ended record is never changed); view() and values() give the flat fields
 * hot paths read (status, completedAt, dependencies...) without decoding.
 */
import type { ExecutionId } from '../core/ids.js';
import type { ExecutionRecord } from '../core/model.js';
import { EndedRecord, packEnded, type PackShared, type RecordView, unpackEnded } from './ended-record.js';

export type { RecordView } from './ended-record.js';

/** Records by id, ended ones compact; Map's interface where the engine used a Map. */
export class RecordTable {
  private readonly byId = new Map<ExecutionId, ExecutionRecord | EndedRecord>();
  /** Ended records packed so far (a figure for tests and benchmarks). */
  packedCount = 0;

  constructor(private readonly shared: PackShared) {}

  get size(): number {
    return this.byId.size;
  }

  has(id: ExecutionId): boolean {
    return this.byId.has(id);
  }

  /** The record of `id` (an ended one decoded: a fresh copy). */
  get(id: ExecutionId): ExecutionRecord | undefined {
    const r = this.byId.get(id);
    return r instanceof EndedRecord ? unpackEnded(r, this.shared) : r;
  }

  /** `view` as a record: a packed one decoded, a live one as it is (whether or not the table holds it). */
  read(view: RecordView): ExecutionRecord {
    return view instanceof EndedRecord ? unpackEnded(view, this.shared) : (view as ExecutionRecord);
  }

  /** The record of `id` as its flat fields: no decoding. */
  view(id: ExecutionId): RecordView | undefined {
    return this.byId.get(id);
  }

  /** The live object of `id`: undefined when it is unknown or packed. */
  live(id: ExecutionId): ExecutionRecord | undefined {
    const r = this.byId.get(id);
    return r instanceof EndedRecord ? undefined : r;
  }

  set(id: ExecutionId, rec: ExecutionRecord): this {
    this.byId.set(id, rec);
    return this;
  }

  delete(id: ExecutionId): boolean {
    return this.byId.delete(id);
  }

  clear(): void {
    this.byId.clear();
  }

  /** Every record's flat fields, in insertion order (no decoding). */
  values(): IterableIterator<RecordView> {
    return this.byId.values();
  }

  /** Every record, ended ones decoded (reloads and tests: each call builds the ended ones anew). */
  *records(): IterableIterator<ExecutionRecord> {
    for (const r of this.byId.values()) yield r instanceof EndedRecord ? unpackEnded(r, this.shared) : r;
  }

  /**
   * Keeps `rec` (the live record of its id, ended, its ending committed, nothing in flight on it) as
   * one compact value; false when it is not the live record or its content would not survive JSON.
   */
  pack(rec: ExecutionRecord): boolean {
    if (this.byId.get(rec.executionId) !== rec) return false;
    const ended = packEnded(rec, this.shared);
    if (ended === undefined) return false;
    this.byId.set(rec.executionId, ended);
    this.packedCount++;
    return true;
  }
}
