/**
 * Round-trip estimation and the heartbeat timeout derived from it, as TCP
 * computes its retransmission timeout (RFC 6298): a smoothed RTT and its mean
 * deviation, updated from every sample. Used on both sides of a connection
 * (worker heartbeat.ts, coordinator connection-handler.ts), so a slow link
 * gets a longer silence budget while a fast one keeps the configured minimum.
 * Pure arithmetic: deterministic under the simulation's clock.
 */

/** How the silence budget of one connection is chosen. */
export interface HeartbeatTimeoutPolicy {
  /** false: always `minMs` (the fixed timeout of old). */
  readonly adaptive: boolean;
  /** The heartbeat interval: the longest a healthy idle link is silent, before delay. */
  readonly intervalMs: number;
  /** Floor (and the fixed value): never less, so a fast link is judged as quickly as before. */
  readonly minMs: number;
  /** Ceiling: a link slower than this is treated as dead anyway. */
  readonly maxMs: number;
  /** k in interval + k * (srtt + 4 * rttvar). */
  readonly factor: number;
}

/** RFC 6298 smoothing constants (alpha 1/8, beta 1/4). */
const ALPHA = 0.125;
const BETA = 0.25;

/** Smoothed RTT and RTT variance of one connection (see the file comment). */
export class RttEstimator {
  /** Smoothed RTT, ms; undefined before the first sample. */
  srttMs: number | undefined;
  /** Mean deviation of the RTT, ms. */
  rttvarMs = 0;
  /** Latest raw sample, ms. */
  lastMs: number | undefined;

  /** Adds one round-trip sample; ignores negative or non-finite ones (a clock that went back). */
  sample(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.lastMs = ms;
    if (this.srttMs === undefined) {
      this.srttMs = ms;
      this.rttvarMs = ms / 2;
      return;
    }
    this.rttvarMs = (1 - BETA) * this.rttvarMs + BETA * Math.abs(this.srttMs - ms);
    this.srttMs = (1 - ALPHA) * this.srttMs + ALPHA * ms;
  }

  /**
   * The silence budget in force: clamp(interval + k * (srtt + 4 * rttvar), min, max).
   * The interval term is the gap between frames on a healthy idle link; the
   * RTT term covers the delay a frame needs, and its variance.
   */
  timeoutMs(p: HeartbeatTimeoutPolicy): number {
    if (!p.adaptive || this.srttMs === undefined) return p.minMs;
    const raw = p.intervalMs + p.factor * (this.srttMs + 4 * this.rttvarMs);
    return Math.min(p.maxMs, Math.max(p.minMs, Math.ceil(raw)));
  }
}

/**
 * Whether a new timeout differs enough from the last reported one to report
 * (an event, a log line): 10% or more. Keeps events to real changes.
 */
export function timeoutChanged(prev: number | undefined, next: number): boolean {
  return prev === undefined || Math.abs(next - prev) >= prev * 0.1;
}

/** The ping a pong answered: its id and the stamp it carried. */
export interface PingRef {
  id: number;
  t: number;
}

/**
 * The fields of one `rtt_sampled` trace event, either side: what was measured
 * and the estimate and timeout in force after it (the simulation's checker
 * replays the estimator from them; harness/check/promises-rtt.ts).
 */
export function rttSampleFields(side: 'coordinator' | 'worker', workerId: string, connectionId: string, sampleMs: number, rtt: RttEstimator, timeoutMs: number, ping?: PingRef) {
  const { srttMs, rttvarMs } = rtt;
  return {
    type: 'rtt_sampled' as const,
    side,
    workerId,
    connectionId,
    sampleMs,
    ...(srttMs === undefined ? {} : { srttMs }),
    rttvarMs,
    timeoutMs,
    ...(ping === undefined ? {} : { pingId: ping.id, pingT: ping.t }),
  };
}
