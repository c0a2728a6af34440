/**
 * Admission control for a reconnecting herd. Every connection costs the
 * coordinator a welcome, a register (two MACs, a session) and a sync; when
 * hundreds arrive at once they queue in its event loop and every one of them
 * (and every heartbeat) waits. So at most `maxPending` handshakes (welcome
 * sent, not yet registered) are admitted at once; a connection beyond that is
 * closed 4503 at once with `retry-after=<ms>`: when its turn will come at the
 * registration rate measured so far. The k-th refused connection of a burst
 * gets a later hint than the (k-1)-th, so the herd is spread over time rather
 * than told to come back together; workers add their own jitter on top.
 */
import type { Clock } from '../core/clock.js';
import type { Connection } from '../core/transport.js';
import { CloseCode } from '../protocol/close-codes.js';
import { encode } from '../protocol/codec.js';
import { PROTOCOL_VERSION } from '../protocol/messages.js';
import type { CoordinatorContext } from './context.js';

/** Rate smoothing: each completed registration weighs 1/8 in the mean interval. */
const GAIN = 0.125;

/** Handshakes in flight and the hint for connections refused beyond the limit. */
export class Admission {
  /** Handshakes admitted and not yet ended (registered, refused or closed). */
  pending = 0;
  /** Smoothed time between completed registrations while busy, ms (starts at 1 ms: 1000/s). */
  private intervalMs = 1;
  private lastDoneMono: number | undefined;
  /** Refusals in the current burst: each one waits one more slot. */
  private queued = 0;
  private queuedSince = 0;

  constructor(
    private readonly clock: Clock,
    readonly maxPending: number,
    private readonly minHintMs = 50,
    private readonly maxHintMs = 10_000,
  ) {}

  /** A new connection: admitted (true, counted as pending) or to be refused (false). */
  admit(): boolean {
    if (this.pending >= this.maxPending) return false;
    this.pending += 1;
    return true;
  }

  /**
   * Whether an admitted connection's 0-RTT register may be taken now: while at
   * most half the limit is in use (counting it). Beyond, the hello is deferred
   * to the 2-RTT path (a plain welcome; the register comes one round trip
   * later), so in a herd at most half the limit's register and sync work lands
   * at the instant of arrival (docs/PROTOCOL.md "0-RTT register").
   */
  helloRoom(): boolean {
    return this.pending <= Math.max(1, Math.floor(this.maxPending / 2));
  }

  /** An admitted handshake ended; `registered` says it completed (feeds the rate). */
  done(registered: boolean): void {
    this.pending = Math.max(0, this.pending - 1);
    if (registered) this.registered(0);
  }

  /**
   * A registration completed now: feeds the rate. `held`: slots still counted
   * in `pending` for it (1 for a 0-RTT registration, which keeps its slot until
   * the worker's first answer and then ends with done(false)).
   */
  registered(held: number): void {
    const now = this.clock.monotonic();
    // Only gaps while busy measure the rate; an idle gap says nothing about capacity.
    if (this.lastDoneMono !== undefined && this.pending - held > 0) {
      const gap = Math.max(0.01, now - this.lastDoneMono);
      this.intervalMs += GAIN * (gap - this.intervalMs);
    }
    this.lastDoneMono = now;
  }

  /**
   * Retry-after for one refused connection, ms: the pending ones plus those
   * refused before it in this burst, at the measured registration interval.
   */
  hintMs(): number {
    const now = this.clock.monotonic();
    const drainMs = (this.pending + this.queued) * this.intervalMs;
    // A burst's queue drains as time passes; restart the count once it would have.
    if (now - this.queuedSince > drainMs) {
      this.queued = 0;
      this.queuedSince = now;
    }
    this.queued += 1;
    const ms = Math.ceil((this.pending + this.queued) * this.intervalMs);
    return Math.min(this.maxHintMs, Math.max(this.minHintMs, ms));
  }
}

/**
 * Turns one connection away: `error overloaded` saying when to come back, then
 * close 4503 with `retry-after=<ms>` (the part a worker parses). Nothing else
 * is spent on it: no nonce, no welcome, no timer.
 */
export function refuseConnection(ctx: Pick<CoordinatorContext, 'admission' | 'metrics' | 'marks' | 'emit'>, conn: Connection): void {
  const retryAfterMs = ctx.admission.hintMs();
  ctx.metrics.retryAfterHints.inc();
  ctx.marks.hit('coordinator.admission-refused');
  ctx.emit({ type: 'admission_refused', connectionId: conn.id, pending: ctx.admission.pending, retryAfterMs });
  const message = `coordinator busy: ${ctx.admission.pending} handshakes in progress (limit ${ctx.admission.maxPending}); retry after ${retryAfterMs} ms`;
  conn.send(encode({ v: PROTOCOL_VERSION, type: 'error', code: 'overloaded', message }));
  conn.close(CloseCode.Overloaded, `retry-after=${retryAfterMs}`);
}
