/**
 * Heartbeats for one connection: a ping every intervalMs, round-trip time from
 * the matching pong (smoothed, core/rtt.ts), and half-open detection: if
 * nothing at all arrives for the timeout in force, onTimeout fires once. The
 * timeout adapts to the measured RTT within the policy's bounds (a slow link
 * is not dead; a fast one is still judged after the configured minimum).
 * A new instance per connection, so the clocks always start fresh after a
 * reconnect (the seed system kept the old one and reconnected a second time
 * after any long gap).
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import { type HeartbeatTimeoutPolicy, RttEstimator, timeoutChanged } from '../core/rtt.js';

export interface HeartbeatHooks {
  sendPing(id: number, t: number): void;
  /** Optional extra delay of one ping (the simulation's buggify; production: none). */
  lateMs?(): number;
  onTimeout(silentForMs: number): void;
  /** The timeout in force changed by 10% or more (events, logs). */
  onAdapt?(rtt: RttEstimator, timeoutMs: number): void;
}

export class Heartbeat {
  private pingTimer: TimerHandle | undefined;
  private watchdog: TimerHandle | undefined;
  private lastReceived: number;
  private nextId = 0;
  private stopped = false;
  private reported: number | undefined;
  /** Smoothed round trip of this connection (seeded with the handshake's). */
  readonly rtt = new RttEstimator();
  /** Silence budget in force, ms. */
  timeoutMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly policy: HeartbeatTimeoutPolicy,
    private readonly hooks: HeartbeatHooks,
  ) {
    this.lastReceived = clock.monotonic();
    this.timeoutMs = policy.minMs;
  }

  /** Latest measured round trip, ms. */
  get rttMs(): number | undefined {
    return this.rtt.lastMs;
  }

  /** Starts pinging and watching; the silence clock starts now. */
  start(): void {
    this.lastReceived = this.clock.monotonic();
    this.pingTimer = this.clock.setInterval(() => this.ping(), this.policy.intervalMs);
    this.arm(this.timeoutMs);
  }

  /** Any inbound frame proves the link is alive. Cheap: no timer churn. */
  received(): void {
    this.lastReceived = this.clock.monotonic();
  }

  /** A round-trip sample from elsewhere (the register → registered exchange). */
  sample(ms: number): void {
    this.rtt.sample(ms);
    this.timeoutMs = this.rtt.timeoutMs(this.policy);
    if (timeoutChanged(this.reported, this.timeoutMs)) {
      this.reported = this.timeoutMs;
      this.hooks.onAdapt?.(this.rtt, this.timeoutMs);
    }
  }

  /** A pong carrying the t we sent: records the RTT. */
  pong(t: number): void {
    this.sample(this.clock.monotonic() - t);
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
