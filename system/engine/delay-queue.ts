/**
 * Future-dated executions (scheduledAt, retry nextRunAt) wait here, ordered by
 * due time, driven by ONE Clock timer armed for the earliest entry. When due,
 * they are handed to `onDue` (which moves them to the ready queue). Being
 * separate from the ready queue, a future-dated entry never blocks ready work.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { ExecutionId } from '../core/ids.js';
import { type Marks, noMarks } from '../core/marks.js';
import { Heap } from './heap.js';

/** One wait in the heap; `live` holds each id's current one (earlier ones are skipped at the head). */
export interface DelayEntry {
  readonly id: ExecutionId;
  readonly dueAt: number;
  readonly seq: number;
}

export class DelayQueue {
  protected readonly heap = new Heap<DelayEntry>((a, b) => (a.dueAt !== b.dueAt ? a.dueAt < b.dueAt : a.seq < b.seq));
  protected readonly live = new Map<ExecutionId, DelayEntry>();
  private timer: TimerHandle | undefined;
  private armedFor = Infinity;
  private seq = 0;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly onDue: (id: ExecutionId) => void,
    private readonly marks: Marks = noMarks,
  ) {}

  get size(): number {
    return this.live.size;
  }

  /** The executions waiting for their due time (what the engine holds in memory for them: Engine.heldExecutions). */
  ids(): ExecutionId[] {
    return [...this.live.keys()];
  }

  has(id: ExecutionId): boolean {
    return this.live.has(id);
  }

  /** Waits `id` until dueAt (replacing an earlier wait of the same id). */
  schedule(id: ExecutionId, dueAt: number): void {
    if (this.timer !== undefined && dueAt < this.armedFor) this.marks.hit('engine.delay-rearmed-earlier');
    const entry = { id, dueAt, seq: this.seq++ };
    this.live.set(id, entry);
    this.heap.push(entry);
    this.arm();
  }

  remove(id: ExecutionId): boolean {
    return this.live.delete(id);
  }

  /** Cancels the timer; nothing fires afterwards. */
  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** The earliest current entry, dropping stale ones (an id's earlier waits) off the top. */
  protected headEntry(): DelayEntry | undefined {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined || this.live.get(top.id) === top) return top;
      this.heap.pop();
    }
  }

  private arm(): void {
    if (this.closed) return;
    const head = this.headEntry();
    if (head === undefined) {
      this.timer?.cancel();
      this.timer = undefined;
      this.armedFor = Infinity;
      return;
    }
    if (this.timer !== undefined && this.armedFor <= head.dueAt) return;
    this.timer?.cancel();
    this.armedFor = head.dueAt;
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, head.dueAt - this.clock.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = this.clock.now();
    const due: ExecutionId[] = [];
    for (;;) {
      const head = this.headEntry();
      if (head === undefined || head.dueAt > now) break;
      this.heap.pop();
      this.live.delete(head.id);
      due.push(head.id);
    }
    for (const id of due) this.onDue(id);
    this.arm();
  }
}
