/**
 * A status history kept flat (issue 12): the engine holds every execution
 * record in memory, and a history of four entry objects, each with a boxed
 * `at`, was ~390 bytes and ~9 heap objects of every kept record (the live
 * objects a mark-compact has to mark). CompactHistory keeps the entries in
 * one array of three slots each: a code (status, previous status and
 * attempt in one small integer), `at` as an offset from the first entry's
 * (a small integer too: no boxed number per entry) and the reason (shared
 * strings mostly). Entries are built when read, so a reader gets the same
 * plain StatusEntry objects, and JSON.stringify gives the same text as the
 * array (toJSON): store rows and API answers are unchanged.
 *
 * Records built elsewhere (tests, the store's loads) may hold a plain
 * StatusEntry[]: StatusHistory is the part of an array's interface both
 * provide, so readers never need to know which they hold.
 */
import { EXECUTION_STATUSES, type ExecutionStatus, type StatusEntry } from './model.js';

/** What readers of `ExecutionRecord.statusHistory` may use: a StatusEntry[] or a CompactHistory. */
export interface StatusHistory extends Iterable<StatusEntry> {
  readonly length: number;
  at(index: number): StatusEntry | undefined;
  push(...entries: StatusEntry[]): number;
  slice(start?: number, end?: number): StatusEntry[];
  map<U>(fn: (entry: StatusEntry, index: number) => U): U[];
  filter(fn: (entry: StatusEntry, index: number) => boolean): StatusEntry[];
  some(fn: (entry: StatusEntry, index: number) => boolean): boolean;
  findLast(fn: (entry: StatusEntry, index: number) => boolean): StatusEntry | undefined;
}

/** Slots per entry in the flat array: code, at offset, reason. */
const SLOTS = 3;
/** The high half's unit: 2^24 ms, so both halves of an epoch ms are small integers for the next ~500,000 years. */
const BASE_SPLIT = 2 ** 24;

/** An epoch ms (a safe non-negative integer) as two small integers [high, low]: a field holding either is never a boxed number. */
export function splitTime(t: number): [number, number] {
  const high = Math.floor(t / BASE_SPLIT);
  return [high, t - high * BASE_SPLIT];
}

/** The epoch ms splitTime gave [high, low] for. */
export const joinTime = (high: number, low: number): number => high * BASE_SPLIT + low;
/** Code of a null `previous`. */
const NO_PREVIOUS = 15;
const STATUS_CODE = new Map<ExecutionStatus, number>(EXECUTION_STATUSES.map((s, i) => [s, i]));

/**
 * One status history entry, always from one of two object literals. Not
 * `{ ...entry, reason }`: on Node 20 an optimized spread followed by a new
 * property gives every object a hidden class of its own (a Map, a
 * DescriptorArray and a PropertyArray in the old generation, ~270 bytes per
 * entry, kept as long as the record): 68,000 of them in a 20,000-task
 * dispatch benchmark's heap (docs/BENCHMARKS.md, round 7).
 */
export function historyEntry(status: ExecutionStatus, at: number, previous: ExecutionStatus | null, attempt: number, reason: string | undefined): StatusEntry {
  return reason === undefined ? { status, at, previous, attempt } : { status, at, previous, attempt, reason };
}

/** A status history as one flat array; see the file header. */
export class CompactHistory implements StatusHistory {
  /**
   * The base of every offset, `at` of the first entry, as baseHigh * BASE_SPLIT + baseLow: two small
   * integers for an epoch ms (a double field would be one boxed number per record). Both 0 (absolute
   * offsets) when the first `at` is not a safe non-negative integer or an offset would not give `at`
   * back exactly.
   */
  private baseHigh: number;
  private baseLow: number;
  private flat: unknown[];

  private constructor(baseHigh: number, baseLow: number, flat: unknown[]) {
    this.baseHigh = baseHigh;
    this.baseLow = baseLow;
    this.flat = flat;
  }

  private get base(): number {
    return joinTime(this.baseHigh, this.baseLow);
  }

  /** A compact copy of `history` (exact size). */
  static from(history: Iterable<StatusEntry>): CompactHistory {
    if (history instanceof CompactHistory) return new CompactHistory(history.baseHigh, history.baseLow, history.flat.slice());
    const h = new CompactHistory(0, 0, []);
    for (const e of history) h.append(e);
    h.flat = h.flat.slice(); // exact size: pushes grow the backing store by half again
    return h;
  }

  get length(): number {
    return this.flat.length / SLOTS;
  }

  push(...entries: StatusEntry[]): number {
    for (const e of entries) this.append(e);
    return this.length;
  }

  private append(e: StatusEntry): void {
    this.add(e.status, e.at, e.previous, e.attempt, e.reason);
  }

  /** Appends one entry from its fields (the engine's transition: no entry object). */
  add(status: ExecutionStatus, at: number, previous: ExecutionStatus | null, attempt: number, reason: string | undefined): void {
    const s = STATUS_CODE.get(status);
    const p = previous === null ? NO_PREVIOUS : STATUS_CODE.get(previous);
    if (s === undefined || p === undefined) throw new TypeError(`not a status history entry: ${JSON.stringify({ status, at, previous, attempt })}`);
    if (this.flat.length === 0 && Number.isSafeInteger(at) && at >= 0) {
      [this.baseHigh, this.baseLow] = splitTime(at);
    }
    const base = this.base;
    if (base !== 0 && base + (at - base) !== at) this.rebase();
    // attempt * 256 stays a small integer below 2^22 attempts and exact (a double) far beyond.
    this.flat.push(s + p * 16 + attempt * 256, at - this.base, reason);
  }

  /** The same history with absolute times (base 0): for an `at` the offset would not give back exactly. */
  private rebase(): void {
    const base = this.base;
    for (let i = 1; i < this.flat.length; i += SLOTS) this.flat[i] = (this.flat[i] as number) + base;
    this.baseHigh = 0;
    this.baseLow = 0;
  }

  at(index: number): StatusEntry | undefined {
    const n = this.length;
    const i = index < 0 ? index + n : index;
    if (!(i >= 0 && i < n)) return undefined;
    const code = this.flat[i * SLOTS] as number;
    const previous = Math.floor(code / 16) % 16;
    return historyEntry(
      EXECUTION_STATUSES[code % 16] as ExecutionStatus,
      this.base + (this.flat[i * SLOTS + 1] as number),
      previous === NO_PREVIOUS ? null : (EXECUTION_STATUSES[previous] as ExecutionStatus),
      Math.floor(code / 256),
      this.flat[i * SLOTS + 2] as string | undefined,
    );
  }

  *[Symbol.iterator](): Iterator<StatusEntry> {
    for (let i = 0; i < this.length; i++) yield this.at(i) as StatusEntry;
  }

  slice(start = 0, end = this.length): StatusEntry[] {
    const n = this.length;
    const from = start < 0 ? Math.max(n + start, 0) : Math.min(start, n);
    const to = end < 0 ? Math.max(n + end, 0) : Math.min(end, n);
    const out: StatusEntry[] = [];
    for (let i = from; i < to; i++) out.push(this.at(i) as StatusEntry);
    return out;
  }

  map<U>(fn: (entry: StatusEntry, index: number) => U): U[] {
    const out: U[] = [];
    for (let i = 0; i < this.length; i++) out.push(fn(this.at(i) as StatusEntry, i));
    return out;
  }

  filter(fn: (entry: StatusEntry, index: number) => boolean): StatusEntry[] {
    return this.slice().filter(fn);
  }

  some(fn: (entry: StatusEntry, index: number) => boolean): boolean {
    for (let i = 0; i < this.length; i++) if (fn(this.at(i) as StatusEntry, i)) return true;
    return false;
  }

  findLast(fn: (entry: StatusEntry, index: number) => boolean): StatusEntry | undefined {
    for (let i = this.length - 1; i >= 0; i--) {
      const e = this.at(i) as StatusEntry;
      if (fn(e, i)) return e;
    }
    return undefined;
  }

  /** The entries as an array: what JSON.stringify writes, so a row or an answer reads as before. */
  toJSON(): StatusEntry[] {
    return this.slice();
  }

  /**
   * The history as one array of numbers and strings (base halves, then the flat slots; an absent
   * reason as null) for an ended record's compact value (system/engine/ended-record.ts).
   */
  pack(): unknown[] {
    const out: unknown[] = [this.baseHigh, this.baseLow];
    for (const v of this.flat) out.push(v === undefined ? null : v);
    return out;
  }

  /** The history pack() gave; undefined when `packed` is not one. */
  static unpack(packed: unknown): CompactHistory | undefined {
    if (!Array.isArray(packed) || packed.length < 2 || (packed.length - 2) % SLOTS !== 0) return undefined;
    const flat = packed.slice(2);
    for (let i = 2; i < flat.length; i += SLOTS) if (flat[i] === null) flat[i] = undefined;
    return new CompactHistory(packed[0] as number, packed[1] as number, flat);
  }

  /** Trims the backing store to the entries (an ended record's history grows no more). */
  settle(): void {
    this.flat = this.flat.slice();
  }
}

/** `history` kept compact and exact-size: a CompactHistory settles in place, an array becomes one. */
export function compactHistory(history: StatusHistory): CompactHistory {
  if (history instanceof CompactHistory) {
    history.settle();
    return history;
  }
  return CompactHistory.from(history);
}

/** Appends one entry to either kind of history (to a CompactHistory without building an entry object). */
export function appendStatus(history: StatusHistory, status: ExecutionStatus, at: number, previous: ExecutionStatus | null, attempt: number, reason: string | undefined): void {
  if (history instanceof CompactHistory) history.add(status, at, previous, attempt, reason);
  else history.push(historyEntry(status, at, previous, attempt, reason));
}
