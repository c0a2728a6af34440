/**
 * The worker's priority outbox. Messages wait here until the connection can
 * take them; reliable ones then move to the unacked list (with their seq)
 * until the coordinator acknowledges them, and are re-sent across reconnects.
 *
 * Promises (each a defect of the seed system):
 *  - results, checkpoints, started, sync and drain are never dropped or refused;
 *    capacity bounds only progress (dropped when full) and `data` (which gets
 *    backpressure: enqueue returns false); heartbeats are coalesced instead;
 *  - FIFO within a priority; heartbeats go through the queue like the rest;
 *  - superseded progress (per execution) and heartbeats are coalesced;
 *  - after a disconnect, stale pings/pongs are discarded, and unacked messages
 *    keep their original order (they are never re-queued at a new priority).
 */
import type { Outgoing, ToCoordinator } from '../protocol/messages.js';
import { RELIABLE_TYPES } from '../protocol/messages.js';

export type OutMessage = Outgoing<ToCoordinator>;

/** Lower number = sent first. */
export const OutPriority = { sync: 0, control: 1, task: 2, progress: 3, data: 4 } as const;
export type OutPriority = (typeof OutPriority)[keyof typeof OutPriority];

/** The priority class of an outgoing message type. */
export function priorityOf(type: OutMessage['type']): OutPriority {
  switch (type) {
    case 'sync':
    case 'register':
      return OutPriority.sync;
    case 'ping':
    case 'pong':
    case 'drain':
    case 'ack':
    case 'error':
      return OutPriority.control;
    case 'started':
    case 'checkpoint':
    case 'result':
      return OutPriority.task;
    case 'progress':
      return OutPriority.progress;
    case 'data':
      return OutPriority.data;
  }
}

/** A reliable message that went out and waits for its ack. */
export interface SentMessage {
  seq: number;
  msg: OutMessage;
}

/**
 * Kinds that count against capacity. Everything else is never refused: the
 * reliable kinds must not be lost, and pings/pongs are coalesced to at most
 * one each (a data flood must never starve the heartbeat).
 */
const BOUNDED: ReadonlySet<string> = new Set(['progress', 'data']);
const PRIORITIES = Object.values(OutPriority).sort((a, b) => a - b);
/** The unacked list while nothing awaits an ack: one shared array, never written (take() makes a list first). */
const NO_UNACKED: SentMessage[] = [];

export class Outbox {
  /**
   * One FIFO per priority (indexed by OutPriority, 0..4), each made when a
   * message is queued and dropped once emptied, and the list of them made
   * with the first and dropped with the last: an idle worker queues only a
   * heartbeat now and then, sent at once, and 2,000 idle workers should not
   * each keep a hash table and six arrays for it. The unacked list likewise
   * (NO_UNACKED, shared and never written, while nothing awaits an ack).
   */
  private queues: Array<OutMessage[] | undefined> | undefined;
  private bounded = 0;
  private unacked: SentMessage[] = NO_UNACKED;
  private nextSeq = 1;

  /** capacity: how many droppable/data messages may wait at once. */
  constructor(readonly capacity: number) {}

  /** Messages waiting to be sent (not counting unacked ones). */
  get depth(): number {
    let n = 0;
    for (const q of this.queues ?? []) n += q?.length ?? 0;
    return n;
  }

  /** Reliable messages sent and not yet acknowledged. */
  get unackedCount(): number {
    return this.unacked.length;
  }

  /** Reliable messages either queued or awaiting ack. */
  get reliableOutstanding(): number {
    let n = this.unacked.length;
    for (const q of this.queues ?? []) for (const m of q ?? []) if (RELIABLE_TYPES.has(m.type)) n++;
    return n;
  }

  /**
   * Queues a message. Coalesces progress per execution and pings/pongs.
   * Returns false only for a bounded kind when the outbox is full (progress
   * is dropped; data is refused: backpressure for the caller).
   */
  enqueue(msg: OutMessage): boolean {
    const q = this.queueFor(priorityOf(msg.type));
    if (msg.type === 'progress' || msg.type === 'ping' || msg.type === 'pong') {
      const i = q.findIndex((m) => m.type === msg.type && (msg.type !== 'progress' || (m as typeof msg).executionId === msg.executionId));
      if (i >= 0) {
        q[i] = msg; // superseded: keep the slot, take the newer content
        return true;
      }
    }
    if (BOUNDED.has(msg.type)) {
      if (this.bounded >= this.capacity) return false;
      this.bounded++;
    }
    q.push(msg);
    return true;
  }

  /** The next message to send whose priority is <= maxPriority, without removing it. */
  peek(maxPriority: OutPriority = OutPriority.data): OutMessage | undefined {
    for (const p of PRIORITIES) {
      if (p > maxPriority) break;
      const m = this.queues?.[p]?.[0];
      if (m) return m;
    }
    return undefined;
  }

  /**
   * Removes the next message (priority order, FIFO within) and, if reliable,
   * assigns its seq and tracks it as unacked. Returns it with its seq.
   */
  take(maxPriority: OutPriority = OutPriority.data): { msg: OutMessage; seq?: number } | undefined {
    const queues = this.queues;
    if (queues === undefined) return undefined;
    for (const p of PRIORITIES) {
      if (p > maxPriority) break;
      const q = queues[p];
      const msg = q?.shift();
      if (!msg) continue;
      if (q?.length === 0) this.dropQueue(queues, p);
      if (BOUNDED.has(msg.type)) this.bounded--;
      if (!RELIABLE_TYPES.has(msg.type)) return { msg };
      const seq = this.nextSeq++;
      if (this.unacked === NO_UNACKED) this.unacked = [];
      this.unacked.push({ seq, msg });
      return { msg, seq };
    }
    return undefined;
  }

  /** Cumulative ack: removes every unacked message with seq <= n and returns them. */
  ack(n: number): SentMessage[] {
    let k = 0;
    while (k < this.unacked.length && (this.unacked[k]?.seq ?? Infinity) <= n) k++;
    if (k === 0) return [];
    const acked = this.unacked.splice(0, k);
    if (this.unacked.length === 0) this.unacked = NO_UNACKED;
    return acked;
  }

  /** The link is gone: heartbeats queued for it are stale and never flushed later. */
  onDisconnect(): void {
    const queues = this.queues;
    if (queues === undefined) return;
    for (const type of ['ping', 'pong'] as const) {
      const p = priorityOf(type);
      const q = queues[p] ?? [];
      for (let i = q.length - 1; i >= 0; i--) {
        if (q[i]?.type === type) q.splice(i, 1);
      }
      if (q.length === 0) this.dropQueue(queues, p);
    }
  }

  /**
   * The coordinator resumed our session and has committed up to lastSeq:
   * returns the unacked messages above it, in original order with their seqs.
   * Returns the acked ones separately so the caller can release what they held.
   */
  resume(lastSeq: number): { resend: SentMessage[]; acked: SentMessage[] } {
    const acked = this.ack(lastSeq);
    const top = this.unacked.at(-1)?.seq ?? lastSeq;
    this.nextSeq = Math.max(this.nextSeq, lastSeq + 1, top + 1);
    return { resend: [...this.unacked], acked };
  }

  /**
   * A new session: seqs restart at 1. Unacked messages are renumbered in
   * their original order (stale `sync` reports are dropped: a fresh one follows).
   */
  renumber(): SentMessage[] {
    this.nextSeq = 1;
    const kept = this.unacked.filter((s) => s.msg.type !== 'sync').map((s) => ({ seq: this.nextSeq++, msg: s.msg }));
    this.unacked = kept.length === 0 ? NO_UNACKED : kept;
    return [...kept];
  }

  /** Every unacked message, oldest first (for inspection and tests). */
  pendingAcks(): readonly SentMessage[] {
    return this.unacked;
  }

  /** Every queued message, in the order take() would return them. */
  queued(): OutMessage[] {
    return PRIORITIES.flatMap((p) => this.queues?.[p] ?? []);
  }

  /** The queue of priority p, made on first use. */
  private queueFor(p: OutPriority): OutMessage[] {
    const queues = (this.queues ??= [undefined, undefined, undefined, undefined, undefined]);
    let q = queues[p];
    if (q === undefined) {
      q = [];
      queues[p] = q;
    }
    return q;
  }

  /** Drops the emptied queue of priority p, and the list once no queue is left. */
  private dropQueue(queues: Array<OutMessage[] | undefined>, p: OutPriority): void {
    queues[p] = undefined;
    if (queues.every((q) => q === undefined)) this.queues = undefined;
  }
}
