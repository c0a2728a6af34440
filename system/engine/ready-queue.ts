/**
 * The ready queue: executions that may start now, and only those (future-dated
 * ones wait in the DelayQueue, blocked ones are not queued at all), so nothing
 * that can't run ever sits in front of work that can (head-of-line blocking).
 *
 * One heap per task kind, ordered by priority (critical first) then FIFO by a
 * sequence number; claiming picks the best head among the kinds a worker runs.
 * An execution is queued at most once (push of a queued id is refused), which
 * is the double-enqueue guard. Removal is lazy: stale heap entries are skipped.
 */
import type { ExecutionId } from '../core/ids.js';
import { Heap } from './heap.js';
import { Priority } from '../core/model.js';

export interface ReadyEntry {
  readonly id: ExecutionId;
  readonly kind: string;
  /** Priority rank (higher first). */
  readonly rank: number;
  /** FIFO order among equal priorities (lower first). */
  readonly seq: number;
}

/** Whether a should run before b. */
export function runsBefore(a: ReadyEntry, b: ReadyEntry): boolean {
  return a.rank !== b.rank ? a.rank > b.rank : a.seq < b.seq;
}

export class ReadyQueue {
  private readonly heaps = new Map<string, Heap<ReadyEntry>>();
  private readonly live = new Map<ExecutionId, ReadyEntry>();

  get size(): number {
    return this.live.size;
  }

  /** The executions queued (what the engine holds in memory for them: Engine.heldExecutions). */
  ids(): ExecutionId[] {
    return [...this.live.keys()];
  }

  has(id: ExecutionId): boolean {
    return this.live.has(id);
  }

  /** Queues an execution; returns false (and changes nothing) if it is already queued. */
  push(id: ExecutionId, kind: string, priority: Priority, seq: number): boolean {
    if (this.live.has(id)) return false;
    const entry: ReadyEntry = { id, kind, rank: Priority[priority], seq };
    this.live.set(id, entry);
    let heap = this.heaps.get(kind);
    if (heap === undefined) {
      heap = this.newHeap();
      this.heaps.set(kind, heap);
    }
    heap.push(entry);
    return true;
  }

  /** One kind's heap, ordered by runsBefore. */
  protected newHeap(): Heap<ReadyEntry> {
    return new Heap(runsBefore);
  }

  remove(id: ExecutionId): boolean {
    return this.live.delete(id);
  }

  /** The best ready entry among `kinds` whose kind passes `allow`; not removed. */
  best(kinds: Iterable<string>, allow: (kind: string) => boolean): ReadyEntry | undefined {
    let best: ReadyEntry | undefined;
    for (const kind of kinds) {
      const head = this.head(kind);
      if (head === undefined || (best !== undefined && !runsBefore(head, best))) continue;
      if (!allow(kind)) continue;
      best = head;
    }
    return best;
  }

  private head(kind: string): ReadyEntry | undefined {
    const heap = this.heaps.get(kind);
    if (heap === undefined) return undefined;
    for (;;) {
      const top = heap.peek();
      if (top === undefined) return undefined;
      if (this.live.get(top.id) === top) return top;
      heap.pop();
    }
  }
}
