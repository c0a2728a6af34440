/**
 * Heartbeats for one connection: a ping every intervalMs, round-trip time from
 * the matching pong, and half-open detection: if nothing at all arrives for
 * timeoutMs, onTimeout fires once. A new instance per connection, so the
 * clocks always start fresh after a reconnect (the seed system kept the old
 * one and reconnected a second time after any long gap).
 */
import type { Clock, TimerHandle } from '../core/clock.js';

export interface HeartbeatHooks {
  sendPing(id: number, t: number): void;
  /** Optional extra delay of one ping (the simulation's buggify; production: none). */
  lateMs?(): number;
  onTimeout(silentForMs: number): void;
}

export class Heartbeat {
  private pingTimer: TimerHandle | undefined;
  private watchdog: TimerHandle | undefined;
  private lastReceived: number;
  private nextId = 0;
  private stopped = false;
  /** Latest measured round trip, ms. */
  rttMs: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly hooks: HeartbeatHooks,
  ) {
    this.lastReceived = clock.monotonic();
  }

  /** Starts pinging and watching; the silence clock starts now. */
  start(): void {
    this.lastReceived = this.clock.monotonic();
    this.pingTimer = this.clock.setInterval(() => this.ping(), this.intervalMs);
    this.arm(this.timeoutMs);
  }

  /** Any inbound frame proves the link is alive. Cheap: no timer churn. */
  received(): void {
    this.lastReceived = this.clock.monotonic();
  }

  /** A pong carrying the t we sent: records the RTT. */
  pong(t: number): void {
    const rtt = this.clock.monotonic() - t;
    if (Number.isFinite(rtt) && rtt >= 0) this.rttMs = rtt;
  }

  stop(): void {
    this.stopped = true;
    this.pingTimer?.cancel();
    this.watchdog?.cancel();
  }

  private ping(): void {
    const late = this.hooks.lateMs?.() ?? 0;
    const send = (): void => {
      if (!this.stopped) this.hooks.sendPing(this.nextId++, this.clock.monotonic());
    };
    if (late > 0) this.clock.setTimeout(send, late);
    else send();
  }

  private arm(ms: number): void {
    this.watchdog = this.clock.setTimeout(() => this.check(), Math.max(1, ms));
  }

  private check(): void {
    if (this.stopped) return;
    const silent = this.clock.monotonic() - this.lastReceived;
    if (silent >= this.timeoutMs) {
      this.stop();
      this.hooks.onTimeout(silent);
    } else {
      this.arm(this.timeoutMs - silent);
    }
  }
}
