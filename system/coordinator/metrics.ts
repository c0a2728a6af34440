/**
 * Coordinator metrics (Prometheus, prom-client) in a Registry of its own, so
 * several coordinators in one process (tests, simulation) never share counts.
 * Gauges that mirror state elsewhere (executions by status, outbox depth,
 * workers by state, breakers) are collected on scrape from their owners.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BreakerState } from '../engine/contract.js';

/** Where scrape-time gauges read their values. */
export interface MetricsSources {
  outboxDepth(): number;
  workersByState(): Record<string, number>;
  executionsByStatus(): Record<string, number>;
  /** Per task kind; exported as 0 closed, 1 half-open, 2 open. */
  breakerStates(): Record<string, BreakerState>;
  /** Handshakes admitted and not yet registered (admission control). */
  handshakesPending?(): number;
  /** Heartbeat timeouts in force over live connections, ms (adaptive; empty without connections). */
  timeoutsInForce?(): number[];
  /** Also export process and runtime metrics (process_cpu_seconds_total, nodejs_eventloop_lag_seconds, ...). */
  runtime?: boolean;
}

const BREAKER_VALUES: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

const BREAKER_HELP = 'Circuit breaker state per task kind: 0 closed, 1 half-open, 2 open.';

/** The coordinator's metric families, registered in a Registry of their own. */
export class CoordinatorMetrics {
  readonly registry = new Registry();
  readonly connections: Gauge;
  readonly reconnects: Counter;
  readonly reconnectDuration: Histogram;
  readonly heartbeatRtt: Histogram;
  readonly messages: Counter<'type' | 'direction'>;
  readonly bytes: Counter<'type' | 'direction'>;
  readonly leaseExpiries: Counter;
  readonly protocolErrors: Counter<'code'>;
  readonly authFailures: Counter;
  readonly heartbeatTimeouts: Counter;
  readonly dataBytes: Counter;
  readonly progressReports: Counter;
  readonly heartbeatTimeoutInForce: Histogram;
  readonly rttEstimate: Histogram;
  readonly retryAfterHints: Counter;
  /** countMessage() tallies not yet added to messages/bytes, by direction then type. */
  private readonly messageTallies = { in: new Map<string, { n: number; bytes: number }>(), out: new Map<string, { n: number; bytes: number }>() };

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    // Into this registry only (never prom-client's global one), so coordinators in one process never share or double-register them.
    if (sources.runtime === true) collectDefaultMetrics({ register: this.registry });
    this.connections = new Gauge({ name: 'squall_connections', help: 'Open WebSocket connections.', registers });
    workersGauge(registers, sources);
    this.reconnects = new Counter({ name: 'squall_reconnects_total', help: 'Re-registrations of known workers (once per re-registration).', registers });
    this.reconnectDuration = new Histogram({
      name: 'squall_reconnect_duration_seconds',
      help: "Time from a worker's disconnect to its re-registration, seen by the coordinator.",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.heartbeatRtt = new Histogram({
      name: 'squall_heartbeat_rtt_seconds',
      help: 'Heartbeat round trip (coordinator ping to worker pong).',
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    const flushMessages = (): void => this.flushMessageCounts();
    this.messages = new Counter({ name: 'squall_messages_total', help: 'Protocol messages by type and direction.', labelNames: ['type', 'direction'], registers, collect: flushMessages });
    this.bytes = new Counter({ name: 'squall_message_bytes_total', help: 'Protocol bytes by type and direction.', labelNames: ['type', 'direction'], registers, collect: flushMessages });
    this.leaseExpiries = new Counter({ name: 'squall_lease_expiries_total', help: 'Leases that expired (holder silent past leaseMs).', registers });
    this.protocolErrors = new Counter({ name: 'squall_protocol_errors_total', help: 'Connections closed for bad input, by error code.', labelNames: ['code'], registers });
    this.authFailures = new Counter({ name: 'squall_auth_failures_total', help: 'Failed registrations or message signatures.', registers });
    this.heartbeatTimeouts = new Counter({ name: 'squall_heartbeat_timeouts_total', help: 'Connections dropped for silence past heartbeatTimeoutMs.', registers });
    this.dataBytes = new Counter({ name: 'squall_data_payload_bytes_total', help: 'Payload bytes of data messages (message flood).', registers });
    this.progressReports = new Counter({ name: 'squall_progress_reports_total', help: 'Progress reports received.', registers });
    const timeoutBuckets = [0.5, 1, 2, 3, 5, 8, 13, 21, 34, 60, 120];
    this.heartbeatTimeoutInForce = new Histogram({ name: 'squall_heartbeat_timeout_adapted_seconds', help: 'Heartbeat timeout a connection adapted to (observed at each change of 10% or more).', buckets: timeoutBuckets, registers });
    this.rttEstimate = new Histogram({
      name: 'squall_rtt_estimate_seconds',
      help: 'Smoothed RTT of a connection when its timeout adapted (RFC 6298 estimator).',
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8],
      registers,
    });
    this.retryAfterHints = new Counter({ name: 'squall_retry_after_hints_total', help: 'Connections refused by admission control with a retry-after hint (close 4503).', registers });
    sourceGauges(registers, sources);
  }

  /**
   * Counts one message and its bytes. Per-frame hot path: tallied in plain
   * maps and added to the prom-client counters when they are read (collect),
   * instead of hashing the label set twice per frame.
   */
  countMessage(direction: 'in' | 'out', type: string, bytes: number): void {
    const tallies = this.messageTallies[direction];
    const t = tallies.get(type);
    if (t === undefined) tallies.set(type, { n: 1, bytes });
    else {
      t.n += 1;
      t.bytes += bytes;
    }
  }


  private flushMessageCounts(): void {
    for (const direction of ['in', 'out'] as const) {
      const tallies = this.messageTallies[direction];
      for (const [type, t] of tallies) {
        this.messages.inc({ type, direction }, t.n);
        this.bytes.inc({ type, direction }, t.bytes);
      }
      tallies.clear();
    }
  }

  /** Prometheus text exposition. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** Workers by state, read from the registry when scraped. */
function workersGauge(registers: Registry[], sources: MetricsSources): void {
  new Gauge({ name: 'squall_workers', help: 'Workers by state.', labelNames: ['state'], registers, collect() {
    this.reset();
    for (const [state, n] of Object.entries(sources.workersByState())) this.set({ state }, n);
  } });
}

/** Gauges read from their sources when scraped: admission, heartbeat timeouts in force, outbox, executions, breakers. */
function sourceGauges(registers: Registry[], sources: MetricsSources): void {
  new Gauge({ name: 'squall_handshakes_pending', help: 'Handshakes admitted and not yet registered (admission control).', registers, collect() {
    this.set(sources.handshakesPending?.() ?? 0);
  } });
  new Gauge({ name: 'squall_heartbeat_timeout_seconds', help: 'Heartbeat timeout in force over live connections (adaptive): min and max.', labelNames: ['stat'], registers, collect() {
    this.reset();
    const t = sources.timeoutsInForce?.() ?? [];
    if (t.length === 0) return;
    this.set({ stat: 'min' }, Math.min(...t) / 1000);
    this.set({ stat: 'max' }, Math.max(...t) / 1000);
  } });
  new Gauge({ name: 'squall_outbox_depth', help: 'Reliable messages sent to workers and not yet acknowledged.', registers, collect() {
    this.set(sources.outboxDepth());
  } });
  new Gauge({ name: 'squall_executions', help: 'Executions by status.', labelNames: ['status'], registers, collect() {
    this.reset();
    for (const [status, n] of Object.entries(sources.executionsByStatus())) this.set({ status }, n);
  } });
  new Gauge({ name: 'squall_breaker_state', help: BREAKER_HELP, labelNames: ['kind'], registers, collect() {
    this.reset();
    for (const [kind, state] of Object.entries(sources.breakerStates())) this.set({ kind }, BREAKER_VALUES[state]);
  } });
}
