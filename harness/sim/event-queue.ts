/**
 * The simulation's one event queue: every timer of every process, every
 * network delivery and every harness step is an entry in a binary min-heap
 * keyed by (virtual time, tie rank, insertion sequence). It replaces one
 * @sinonjs/fake-timers timer per event: an entry is a small object with the
 * callback and one argument (no closure, no handle object, no id map), a
 * cancelled entry is only flagged and skipped when it surfaces (the heap is
 * compacted when dead entries dominate), so arming and cancelling a timer are
 * O(log n) pushes and O(1) flags.
 *
 * Ties (same virtual instant): with the `fifo` policy every rank is 0, so
 * same-instant events run in the order they were scheduled, exactly as
 * fake-timers did (trace hashes of earlier runs stay valid). With `seeded`,
 * each event source (a process incarnation, a connection direction, the
 * network) gets a rank per instant derived from the seed, so same-instant
 * events of different sources run in a seed-chosen order while one source's
 * own events keep their scheduling order (a real event loop never reorders
 * timers of one process that are due together, and TCP never reorders one
 * stream).
 */

/** How same-instant events of different sources are ordered. */
export type TieBreak = 'fifo' | 'seeded';

/** One scheduled event; also its cancellation handle. */
export class QueuedEvent {
  /** False once cancelled or fired. */
  live = true;

  constructor(
    readonly at: number,
    readonly rank: number,
    readonly seq: number,
    readonly fn: (arg: never) => void,
    readonly arg: unknown,
  ) {}
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  if (a.at !== b.at) return a.at < b.at;
  if (a.rank !== b.rank) return a.rank < b.rank;
  return a.seq < b.seq;
}

/** A 32-bit integer mix (murmur3's finaliser): cheap, well spread, no allocation. */
function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Binary min-heap of QueuedEvents with lazy cancellation. */
export class EventQueue {
  private heap: QueuedEvent[] = [];
  private seq = 0;
  private dead = 0;
  private readonly salt: number;

  constructor(
    readonly tieBreak: TieBreak = 'fifo',
    /** Seed of the rank stream (used by `seeded` only). */
    seed = 0,
  ) {
    this.salt = mix32(seed ^ 0x9e3779b9);
  }

  /** Events scheduled and neither fired nor cancelled. */
  get size(): number {
    return this.heap.length - this.dead;
  }

  /** Schedules fn(arg) at absolute virtual time `at` on behalf of event source `source`. */
  push<A>(at: number, source: number, fn: (arg: A) => void, arg: A): QueuedEvent {
    const rank = this.tieBreak === 'fifo' ? 0 : mix32(this.salt ^ mix32(source + Math.imul(at | 0, 0x27d4eb2d)));
    const e = new QueuedEvent(at, rank, this.seq++, fn as (arg: never) => void, arg);
    const h = this.heap;
    h.push(e);
    this.up(h.length - 1);
    return e;
  }

  /** Cancels an event (no-op if it already fired or was cancelled). */
  cancel(e: QueuedEvent): void {
    if (!e.live) return;
    e.live = false;
    this.dead++;
    if (this.dead > 1024 && this.dead * 2 > this.heap.length) this.compact();
  }

  /** The next live event without removing it, or undefined. */
  peek(): QueuedEvent | undefined {
    const h = this.heap;
    while (h.length > 0 && !(h[0] as QueuedEvent).live) {
      this.dead--;
      this.popTop();
    }
    return h[0];
  }

  /** Removes and returns the next live event (it is no longer live), or undefined. */
  shift(): QueuedEvent | undefined {
    const e = this.peek();
    if (e === undefined) return undefined;
    this.popTop();
    e.live = false;
    return e;
  }

  private popTop(): void {
    const h = this.heap;
    const last = h.pop() as QueuedEvent;
    if (h.length === 0) return;
    h[0] = last;
    this.down(0);
  }

  /** Drops cancelled entries and rebuilds the heap (O(n)). */
  private compact(): void {
    this.heap = this.heap.filter((e) => e.live);
    this.dead = 0;
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private up(i: number): void {
    const h = this.heap;
    const e = h[i] as QueuedEvent;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p] as QueuedEvent;
      if (!before(e, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = e;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const e = h[i] as QueuedEvent;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(h[r] as QueuedEvent, h[l] as QueuedEvent) ? r : l;
      const child = h[c] as QueuedEvent;
      if (!before(child, e)) break;
      h[i] = child;
      i = c;
    }
    h[i] = e;
  }
}
