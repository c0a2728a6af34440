/**
 * A worker session: the reliable-delivery state that outlives one connection.
 *
 * Outbound (coordinator → worker): reliable messages (assign, abort,
 * sync_result) get the next seq and stay buffered until the worker acks them;
 * on resume everything above the worker's lastSeq is re-sent in order.
 *
 * Inbound (worker → coordinator): a reliable message is admitted once per seq
 * (duplicates from re-sends are dropped) and the cumulative ack advances only
 * when every message up to it has been committed by the engine, in seq order.
 * The ack rides on every outgoing message; when nothing is going out an
 * explicit `ack` is sent after ackDelayMs (at most one per interval).
 *
 * An abort never overtakes the assign of its lease: an abort for a lease whose
 * claim is still committing (its assign not queued yet) is held with the
 * claim and queued right behind the assign; if no assign goes (the claim
 * failed, or the session changed), the abort is dropped with it.
 */
import { type Buggify, noBuggify } from '../core/buggify.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { SessionId, WorkerId } from '../core/ids.js';
import { messageKey } from '../protocol/message-key.js';
import { PROTOCOL_VERSION, type Abort, type Assign, type Outgoing, type SyncResult, type ToWorker } from '../protocol/messages.js';
import type { EventBody } from './context.js';

/** Where a session's frames go: the current connection (encodes, signs, counts). */
export interface FrameSink {
  send(msg: ToWorker): boolean;
}

/** Messages the coordinator sends with a seq and keeps until acknowledged. */
export type ReliableOutgoing = Outgoing<Assign> | Outgoing<Abort> | Outgoing<SyncResult>;
/** Messages sent without a seq (dropped while detached). */
export type UnreliableOutgoing = Exclude<Outgoing<ToWorker>, ReliableOutgoing>;

/** A claim whose commit has not resolved: its lease, and aborts for it that must wait for its assign. */
interface PendingClaim {
  executionId: string;
  attempt: number;
  leaseToken: string;
  heldAborts?: Outgoing<Abort>[];
}

/** Result of admitting an inbound reliable seq. */
export type Admission = 'new' | 'duplicate';

/** Reliable-delivery state of one worker session (see the file comment). */
export class Session {
  private outSeq = 0;
  /** Sent reliable messages by seq until acked: made by the first, dropped once all are acked (an idle session holds none). */
  private unacked: Map<number, ReliableOutgoing> | undefined;
  private committedSeq = 0;
  /** Admitted inbound seqs not committed yet, and committed ones beyond a gap (created on first use: an idle session holds none). */
  protected inflight: Set<number> | undefined;
  protected doneAhead: Set<number> | undefined;
  private lastAckSent = 0;
  private ackTimer: TimerHandle | undefined;
  private sink: FrameSink | undefined;
  /** Claims made for this session whose commit has not resolved yet (assign not queued yet), with the aborts held for them. */
  private claiming: Map<string, PendingClaim> | undefined;
  /** Epoch ms of the last detach while no connection is attached; undefined while attached. */
  detachedAt: number | undefined;

  constructor(
    readonly id: SessionId,
    readonly workerId: WorkerId,
    private readonly clock: Clock,
    private readonly ackDelayMs: number,
    /** Where the delivery events (msg_sent, msg_acked) go; absent: not traced. */
    private readonly trace?: (e: EventBody) => void,
    /** Widens the explicit ack's delay ('coordinator.hold-ack', simulation only; production: never). */
    private readonly buggify: Buggify = noBuggify,
  ) {}

  /** Highest contiguous worker seq committed (what we ack). */
  get committed(): number {
    return this.committedSeq;
  }

  /** Reliable messages sent but not yet acknowledged by the worker. */
  get outboxDepth(): number {
    return this.unacked?.size ?? 0;
  }

  get attached(): boolean {
    return this.sink !== undefined;
  }

  /** Binds the session to a (new) connection; call resend() after the `registered` reply. */
  attach(sink: FrameSink): void {
    this.sink = sink;
    this.detachedAt = undefined;
    this.lastAckSent = 0;
  }

  /** Re-sends, in order, every reliable message above the worker's lastSeq; returns how many. */
  resend(workerLastSeq: number): number {
    this.onPeerAck(workerLastSeq);
    return this.resendUnacked(workerLastSeq);
  }

  /** Re-sends every message still unacknowledged, in seq order (traced with the lastSeq the worker reported). */
  protected resendUnacked(workerLastSeq: number): number {
    const unacked = this.unacked;
    for (const [seq, msg] of unacked ?? []) {
      this.traceSent(msg, seq, workerLastSeq);
      this.transmit(msg, seq);
    }
    return unacked?.size ?? 0;
  }

  /** The connection went away; messages keep queueing for a resume. */
  detach(now: number): void {
    this.sink = undefined;
    this.detachedAt = now;
    this.ackTimer?.cancel();
    this.ackTimer = undefined;
  }

  /**
   * Queues a reliable message (sent at once if attached, else on resume) and
   * returns its seq; an abort whose lease's claim is still committing is held
   * behind that claim's assign instead (returns 0, see claimSettled).
   */
  sendReliable(msg: ReliableOutgoing): number {
    if (msg.type === 'abort' && this.holdBehindClaim(msg)) return 0;
    this.outSeq += 1;
    (this.unacked ??= new Map()).set(this.outSeq, msg);
    this.traceSent(msg, this.outSeq);
    if (this.sink !== undefined) this.transmit(msg, this.outSeq);
    return this.outSeq;
  }

  /** Keeps an abort whose lease's claim is still committing, to go behind its assign; true if kept. */
  protected holdBehindClaim(abort: Outgoing<Abort>): boolean {
    const claim = this.claiming?.get(abort.leaseToken);
    if (claim === undefined) return false;
    (claim.heldAborts ??= []).push(abort);
    return true;
  }

  /** Sends an unreliable message now if attached (dropped otherwise). */
  sendUnreliable(msg: UnreliableOutgoing): boolean {
    if (this.sink === undefined) return false;
    return this.transmit(msg, undefined);
  }

  /**
   * Assignments still buffered for the worker (sent or re-sent, not yet acked).
   * On resume they count as held: the worker receives them after its sync.
   */
  pendingAssignments(): { executionId: string; attempt: number; leaseToken: string }[] {
    const out: { executionId: string; attempt: number; leaseToken: string }[] = [];
    for (const c of this.claiming?.values() ?? []) out.push({ executionId: c.executionId, attempt: c.attempt, leaseToken: c.leaseToken });
    for (const m of this.unacked?.values() ?? []) if (m.type === 'assign') out.push({ executionId: m.executionId, attempt: m.attempt, leaseToken: m.leaseToken });
    return out;
  }

  /** A claim for this session is committing; until then it counts as a pending assignment. */
  claimStarted(a: { executionId: string; attempt: number; leaseToken: string }): void {
    (this.claiming ??= new Map()).set(a.leaseToken, { executionId: a.executionId, attempt: a.attempt, leaseToken: a.leaseToken });
  }

  /**
   * The claim committed, and `assign` is its assignment to queue now; or it
   * did not (no assign: it failed, or the worker's session changed). Aborts
   * held for the lease go right behind its assign, or are dropped with it:
   * the worker never heard of that lease. Returns how many held aborts went.
   */
  claimSettled(leaseToken: string, assign?: Outgoing<Assign>): number {
    const claim = this.claiming?.get(leaseToken);
    this.claiming?.delete(leaseToken);
    if (assign === undefined) return 0;
    this.sendReliable(assign);
    const held = claim?.heldAborts ?? [];
    for (const abort of held) this.sendReliable(abort);
    return held.length;
  }

  /** The worker acknowledged our messages up to ack (cumulative). */
  onPeerAck(ack: number): void {
    const unacked = this.unacked;
    if (unacked === undefined) return;
    let released = false;
    for (const seq of unacked.keys()) {
      if (seq > ack) break;
      unacked.delete(seq);
      released = true;
    }
    if (unacked.size === 0) this.unacked = undefined;
    if (released) this.trace?.({ type: 'msg_acked', workerId: this.workerId, sessionId: this.id, dir: 'to_worker', upTo: ack });
  }

  /** Admits an inbound reliable seq once; re-sends of admitted seqs are duplicates. */
  admit(seq: number): Admission {
    if (seq <= this.committedSeq || this.inflight?.has(seq) === true || this.doneAhead?.has(seq) === true) return 'duplicate';
    (this.inflight ??= new Set()).add(seq);
    return 'new';
  }

  /** The message with this seq is committed; advances the contiguous ack. */
  commit(seq: number): void {
    if (this.inflight?.delete(seq) !== true) return;
    if (seq === this.committedSeq + 1) {
      // In order (the common case): advance, then past any later seqs that committed first.
      this.committedSeq = seq;
      while (this.doneAhead?.delete(this.committedSeq + 1) === true) this.committedSeq += 1;
    } else {
      (this.doneAhead ??= new Set()).add(seq);
    }
    this.scheduleAck();
  }

  /** A duplicate of an already committed seq arrived: the worker missed our ack, send it again. */
  reack(): void {
    this.lastAckSent = Math.min(this.lastAckSent, this.committedSeq - 1);
    this.scheduleAck();
  }

  /** Processing failed; the seq may be admitted again when the worker re-sends it. */
  abandon(seq: number): void {
    this.inflight?.delete(seq);
  }

  /** Stops timers (session dropped). */
  dispose(): void {
    this.ackTimer?.cancel();
    this.ackTimer = undefined;
    this.sink = undefined;
  }

  /** A first send (no peerLastSeq) or a re-send at resume (the lastSeq the worker reported). */
  private traceSent(msg: ReliableOutgoing, seq: number, peerLastSeq?: number): void {
    if (this.trace === undefined) return;
    const key = messageKey(msg);
    const resend = peerLastSeq === undefined ? { resend: false } : { resend: true, peerLastSeq };
    this.trace({ type: 'msg_sent', workerId: this.workerId, sessionId: this.id, dir: 'to_worker', seq, msgType: msg.type, ...(key === undefined ? {} : { key }), ...resend });
  }

  private scheduleAck(): void {
    if (this.ackTimer !== undefined || this.sink === undefined || this.committedSeq <= this.lastAckSent) return;
    this.ackTimer = this.clock.setTimeout(() => {
      this.ackTimer = undefined;
      if (this.sink !== undefined && this.committedSeq > this.lastAckSent) this.transmit({ type: 'ack' }, undefined);
    }, this.ackDelayMs + this.buggify.extraMs('coordinator.hold-ack', 200));
  }

  private transmit(msg: Outgoing<ToWorker>, seq: number | undefined): boolean {
    if (this.sink === undefined) return false;
    const full = (seq === undefined
      ? { v: PROTOCOL_VERSION, ...msg, ack: this.committedSeq }
      : { v: PROTOCOL_VERSION, ...msg, seq, ack: this.committedSeq }) as ToWorker;
    this.lastAckSent = Math.max(this.lastAckSent, this.committedSeq);
    return this.sink.send(full);
  }
}
