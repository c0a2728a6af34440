/**
 * One coordinator connection's round-trip estimate and the heartbeat timeout
 * it implies (core/rtt.ts). Seeded by the handshake (welcome sent → register
 * received, an upper bound of the RTT) and fed by every pong. Changes of 10%
 * or more are reported as `heartbeat_adapted` events and in /metrics.
 */
import { type HeartbeatTimeoutPolicy, type PingRef, RttEstimator, rttSampleFields, timeoutChanged } from '../core/rtt.js';
import type { Connection } from '../core/transport.js';
import type { CoordinatorContext } from './context.js';

/**
 * The policy a coordinator applies to every connection, from its config. The
 * ceiling also stays a heartbeat below the lease: a holder silent that long
 * loses its leases anyway, and must be judged gone before they expire (else
 * its work would be re-queued to it while it still counts as connected).
 */
export function coordinatorTimeoutPolicy(c: CoordinatorContext['config']): HeartbeatTimeoutPolicy {
  const maxMs = Math.max(c.heartbeatTimeoutMs, Math.min(c.heartbeatTimeoutMaxMs, c.leaseMs - c.heartbeatMs));
  return { adaptive: c.adaptiveHeartbeat, intervalMs: c.heartbeatMs, minMs: c.heartbeatTimeoutMs, maxMs, factor: c.rttFactor };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

const policies = new WeakMap<CoordinatorContext['config'], HeartbeatTimeoutPolicy>();

/** coordinatorTimeoutPolicy, made once per config: every connection reads the same (read-only) policy. */
function sharedPolicy(c: CoordinatorContext['config']): HeartbeatTimeoutPolicy {
  let p = policies.get(c);
  if (p === undefined) {
    p = Object.freeze(coordinatorTimeoutPolicy(c));
    policies.set(c, p);
  }
  return p;
}

/** RTT estimate and timeout in force of one connection. */
export class LinkTiming {
  readonly rtt = new RttEstimator();
  /** Silence budget in force, ms. */
  timeoutMs: number;
  private reported: number | undefined;

  constructor(
    private readonly ctx: Pick<CoordinatorContext, 'config' | 'metrics' | 'emit' | 'traceRtt'>,
    /** The connection this estimate belongs to (named in its heartbeat_adapted events). */
    private readonly connectionId: string,
    private readonly policy: HeartbeatTimeoutPolicy = sharedPolicy(ctx.config),
  ) {
    this.timeoutMs = policy.minMs;
  }

  /** One round-trip sample (ms) for worker `workerId`, then its trace (traced). */
  measured(ms: number, workerId: string): void {
    this.sample(ms, workerId);
    this.traced(ms, workerId);
  }

  /**
   * The trace of a sample just measured (`rtt_sampled`, only when ctx.traceRtt:
   * the simulation): what was measured and the estimate and timeout in force
   * after it, whether or not the sample was taken. `ping`: the ping a pong
   * answered (absent: the handshake's sample).
   */
  traced(ms: number, workerId: string, ping?: PingRef): void {
    if (this.ctx.traceRtt === true) this.ctx.emit(rttSampleFields('coordinator', workerId, this.connectionId, ms, this.rtt, this.timeoutMs, ping));
  }

  /** One round-trip sample (ms) for worker `workerId`. */
  sample(ms: number, workerId: string): void {
    this.rtt.sample(ms);
    this.timeoutMs = this.rtt.timeoutMs(this.policy);
    if (!timeoutChanged(this.reported, this.timeoutMs)) return;
    this.reported = this.timeoutMs;
    this.ctx.metrics.heartbeatTimeoutInForce.observe(this.timeoutMs / 1000);
    this.ctx.metrics.rttEstimate.observe((this.rtt.srttMs ?? 0) / 1000);
    this.ctx.emit({ type: 'heartbeat_adapted', side: 'coordinator', workerId, connectionId: this.connectionId, srttMs: round3(this.rtt.srttMs ?? 0), rttvarMs: round3(this.rtt.rttvarMs), timeoutMs: this.timeoutMs });
  }
}

/** A registered connection silent past its timeout: counted, reported, and terminated (connection-handler.ts tick). */
export function dropSilent(ctx: CoordinatorContext, conn: Connection, workerId: string | undefined, silentMs: number): void {
  ctx.metrics.heartbeatTimeouts.inc();
  ctx.marks.hit('coordinator.heartbeat-timeout');
  ctx.emit({ type: 'heartbeat_timeout', side: 'coordinator', workerId: workerId ?? '', connectionId: conn.id, silentForMs: silentMs });
  ctx.logger.warn({ connectionId: conn.id, workerId, silentMs }, 'heartbeat timeout; dropping connection');
  conn.terminate();
}
