/**
 * The worker's side of the session framing: what goes on the wire and in
 * which order. It stamps v/seq/ack (and a signature when the session signs),
 * flushes the outbox as far as the current state allows and the transport is
 * not backed up, tracks the highest contiguous coordinator seq (inbound
 * dedupe), and sends an explicit `ack` when nothing else carries one.
 *
 * The Channel outlives connections (inSeq belongs to the session); bind()
 * attaches the current connection, unbind() detaches it and drops its timers.
 */
import { type Buggify, noBuggify } from '../core/buggify.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Connection } from '../core/transport.js';
import { encode } from '../protocol/codec.js';
import { type AnyMessage, PROTOCOL_VERSION } from '../protocol/messages.js';
import { type OutMessage, type Outbox, OutPriority } from './outbox.js';

/** Bytes buffered in the transport above which the outbox holds messages back. */
const HIGH_WATER_BYTES = 1024 * 1024;
const FLUSH_RETRY_MS = 5;

/** Told when a reliable message goes out for the first time, and when a progress report goes out (the worker's delivery trace). */
export interface ChannelTracer {
  firstSent(msg: OutMessage, seq: number): void;
  progressSent?(msg: Extract<OutMessage, { type: 'progress' }>): void;
}

/** Follows the worker's state (StateFollower): what may go out is what the state allows. */
export class Channel {
  private conn: Connection | undefined;
  private signKey: string | undefined;
  /** Highest contiguous coordinator seq received: what every outgoing message acks. */
  inSeq = 0;
  private ackPending = false;
  private ackTimer: TimerHandle | undefined;
  private flushTimer: TimerHandle | undefined;
  /** Highest priority class flush() may send now (undefined: nothing). */
  private maxPriority: OutPriority | undefined;
  /** Told when a reliable message goes out for the first time (the worker's delivery trace). */
  tracer: ChannelTracer | undefined;
  /** Frames handed to a transport so far, every connection (stats). */
  framesSent = 0;

  constructor(
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    private readonly ackDelayMs: number,
    private readonly log: Logger,
    /** Widens the ack delay ('worker.hold-ack', simulation only; production: never). */
    private readonly buggify: Buggify = noBuggify,
  ) {}

  get connection(): Connection | undefined {
    return this.conn;
  }

  /** The transport buffers at least the high-water mark: flush() holds messages back (and retries) until it drains. */
  get backedUp(): boolean {
    return (this.conn?.bufferedAmount ?? 0) >= HIGH_WATER_BYTES;
  }

  /** Attaches a new connection; nothing flushes until allow() says what may go out. */
  bind(conn: Connection): void {
    this.unbind();
    this.conn = conn;
  }

  /** Detaches the connection (returned), cancels timers, discards stale heartbeats. */
  unbind(): Connection | undefined {
    const conn = this.conn;
    this.conn = undefined;
    this.signKey = undefined;
    this.maxPriority = undefined;
    this.ackTimer?.cancel();
    this.ackTimer = undefined;
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    this.ackPending = false;
    this.outbox.onDisconnect();
    return conn;
  }

  /** Every message after register is signed with this key. */
  setSignKey(key: string | undefined): void {
    this.signKey = key;
  }

  /** The worker's state changed: flush what it allows now (sendableIn). */
  stateChanged(to: string): void {
    this.allow(sendableIn(to));
  }

  /** What the current state lets flush() send: sync/control while syncing, everything once ready. */
  allow(maxPriority: OutPriority | undefined): void {
    this.maxPriority = maxPriority;
    this.flush();
  }

  /**
   * An inbound reliable seq: 'new' (advance, ack soon) or 'duplicate'
   * (already handled: ack again so the coordinator stops re-sending).
   */
  admit(seq: number): 'new' | 'duplicate' {
    this.scheduleAck();
    if (seq <= this.inSeq) return 'duplicate';
    if (seq !== this.inSeq + 1) this.log.warn({ seq, expected: this.inSeq + 1 }, 'gap in coordinator seqs');
    this.inSeq = seq;
    return 'new';
  }

  /** Queues a message and flushes. Returns false if the outbox refused it (full). */
  enqueue(msg: OutMessage): boolean {
    const ok = this.outbox.enqueue(msg);
    if (ok) this.flush();
    return ok;
  }

  /** Stamps v/seq/ack, signs if the session signs, and sends on the current connection now. */
  sendNow(msg: OutMessage, seq?: number): boolean {
    const conn = this.conn;
    if (!conn) return false;
    this.framesSent++;
    return conn.send(this.frameOf(msg, seq));
  }

  /** A message as sendNow puts it on the wire (also the 0-RTT register's frames, before there is a connection). */
  frameOf(msg: OutMessage, seq?: number): string {
    const stamped: Record<string, unknown> = { v: PROTOCOL_VERSION, ...msg };
    if (seq !== undefined) stamped.seq = seq;
    if (msg.type !== 'register') {
      stamped.ack = this.inSeq;
      this.ackPending = false;
    }
    const signKey = msg.type === 'register' || msg.type === 'error' ? undefined : this.signKey;
    return encode(stamped as AnyMessage, signKey);
  }

  /** Sends queued messages the current state allows, while the transport is not backed up. */
  flush(): void {
    const conn = this.conn;
    const max = this.maxPriority;
    if (!conn || max === undefined) return;
    while (conn.bufferedAmount < HIGH_WATER_BYTES) {
      const next = this.outbox.take(max);
      if (!next) return;
      if (next.seq !== undefined) this.tracer?.firstSent(next.msg, next.seq);
      else if (next.msg.type === 'progress') this.tracer?.progressSent?.(next.msg);
      this.sendNow(next.msg, next.seq);
    }
    if (!this.flushTimer && this.outbox.peek(max)) {
      this.flushTimer = this.clock.setTimeout(() => {
        this.flushTimer = undefined;
        this.flush();
      }, FLUSH_RETRY_MS);
    }
  }

  private scheduleAck(): void {
    this.ackPending = true;
    if (this.ackTimer) return;
    this.ackTimer = this.clock.setTimeout(() => {
      this.ackTimer = undefined;
      if (this.ackPending) this.sendNow({ type: 'ack' });
    }, this.ackDelayMs + this.buggify.extraMs('worker.hold-ack', 200));
  }
}

/** What the outbox may send in a given worker state. */
export function sendableIn(state: string): OutPriority | undefined {
  if (state === 'ready' || state === 'draining') return OutPriority.data;
  if (state === 'syncing') return OutPriority.control;
  return undefined;
}
