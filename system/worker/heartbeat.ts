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
import { type HeartbeatTimeoutPolicy, type PingRef, RttEstimator, timeoutChanged } from '../core/rtt.js';

export interface HeartbeatHooks {
  sendPing(id: number, t: number): void;
  /** Optional extra delay of one ping (the simulation's buggify; production: none). */
  lateMs?(intervalMs: number): number;
  onTimeout(silentForMs: number): void;
  /** The timeout in force changed by 10% or more (events, logs). */
  onAdapt?(rtt: RttEstimator, timeoutMs: number): void;
  /** A round trip was measured (taken or not): the estimate and timeout in force after it (the RTT trace). `ping`: the one a pong answered. */
  onSampled?(ms: number, rtt: RttEstimator, timeoutMs: number, ping?: PingRef): void;
}

/**
 * One timer per connection, not two: it fires at whichever comes first, the
 * next ping (every intervalMs from start()) or the watchdog's deadline (the
 * last frame received + the timeout in force, re-checked when reached). At a
 * tie the ping goes out first, then silence is judged.
 */
export class Heartbeat {
  private timer: TimerHandle | undefined;
  private nextPingAt = 0;
  private checkAt = 0;
  private lastReceived: number;
  private nextId = 0;
  private stopped = false;
  private reported: number | undefined;
  /** Smoothed round trip of this connection (seeded with the handshake's). */
  readonly rtt = new RttEstimator();
  /** Silence budget in force, ms. */
  timeoutMs: number;
  /** The timer's callback, made once (re-arming makes no closure). */
  private readonly onTimer = this.fire.bind(this);

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
    const now = this.clock.monotonic();
    this.lastReceived = now;
    this.nextPingAt = now + this.policy.intervalMs;
    this.checkAt = now + Math.max(1, this.timeoutMs);
    this.arm(now);
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

  /** A round trip measured elsewhere (the register → registered exchange), then its trace. */
  measured(ms: number): void {
    this.sample(ms);
    this.hooks.onSampled?.(ms, this.rtt, this.timeoutMs);
  }

  /** A pong carrying the t (and id) we sent: records the RTT. */
  pong(t: number, id = 0): void {
    const ms = this.clock.monotonic() - t;
    this.sample(ms);
    this.hooks.onSampled?.(ms, this.rtt, this.timeoutMs, { id, t });
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const now = this.clock.monotonic();
    if (now >= this.nextPingAt) {
      this.ping();
      // Every interval from start(), like setInterval; after a stall, one ping and on from now.
      this.nextPingAt += this.policy.intervalMs;
      if (this.nextPingAt <= now) this.nextPingAt = now + this.policy.intervalMs;
    }
    if (now >= this.checkAt && this.check(now)) return;
    this.arm(now);
  }

  private ping(): void {
    const late = this.hooks.lateMs?.(this.policy.intervalMs) ?? 0;
    const send = (): void => {
      if (!this.stopped) this.hooks.sendPing(this.nextId++, this.clock.monotonic());
    };
    if (late > 0) this.clock.setTimeout(send, late);
    else send();
  }

  private arm(now: number): void {
    this.timer = this.clock.setTimeout(this.onTimer, Math.min(this.nextPingAt, this.checkAt) - now);
  }

  /** The watchdog's deadline: true when the link was judged dead (stopped). */
  private check(now: number): boolean {
    const silent = now - this.lastReceived;
    if (silent >= this.timeoutMs) {
      this.stop();
      this.hooks.onTimeout(silent);
      return true;
    }
    this.checkAt = now + Math.max(1, this.timeoutMs - silent);
    return false;
  }
}
