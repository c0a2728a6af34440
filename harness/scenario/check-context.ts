/**
 * The check context a scenario implies. It lives beside the scenario schema
 * (not in harness/check) so the checkers never import the scenario language:
 * harness/check sits below harness/scenario.
 */
import type { CheckContext } from '../check/context.js';
import { COORDINATOR_DOC_DEFAULTS } from '../check/spec-tables.js';
import { workerIds, type Scenario } from './schema.js';
import { coordinatorArgsConfig, workerIntent } from './operator-args.js';
import { workerBackoffs } from './targets.js';
import { twinHost } from '../sim/index.js';

/** The simulated store's commit window when the scenario sets none (harness/sim/processes.ts). */
const SIM_COMMIT_WINDOW_MS = 2;

/** The check context a scenario implies. */
export function contextFromScenario(s: Scenario): CheckContext {
  const ctx: CheckContext = {
    heartbeatMs: s.coordinator.heartbeatMs,
    heartbeatTimeoutMs: s.coordinator.heartbeatTimeoutMs,
    leaseMs: s.coordinator.leaseMs,
    adaptiveHeartbeat: s.coordinator.adaptiveHeartbeat,
    sessionTtlMs: s.coordinator.sessionTtlMs ?? COORDINATOR_DOC_DEFAULTS.sessionTtlMs,
    healMs: s.phases.healMs,
    backoff: { ...s.fleet.backoff },
    backoffIsFleetWide: true,
    toleranceMs: s.checks.toleranceMs,
    minCapSpread: s.checks.minCapSpread,
    workerIds: workerIds(s.fleet),
    workerConcurrency: s.fleet.concurrency,
    breaker: s.coordinator.breaker !== false,
    maxPendingHandshakes: s.coordinator.maxPendingHandshakes ?? COORDINATOR_DOC_DEFAULTS.maxPendingHandshakes,
    maxFrameBytes: s.coordinator.maxFrameBytes ?? COORDINATOR_DOC_DEFAULTS.maxFrameBytes,
    // The early sync is offered unless `squall coordinator --no-early-sync` (coordinator.args) turns it off (promises-early-sync.ts).
    earlySync: s.coordinator.args === undefined ? true : coordinatorArgsConfig(s.coordinator.args).earlySync ?? true,
    welcome: welcomeOf(s),
  };
  if (s.coordinator.breaker !== false) {
    ctx.breakerFailureThreshold = s.coordinator.breaker.failureThreshold;
    ctx.breakerResetMs = s.coordinator.breaker.resetTimeoutMs;
    ctx.breakerHalfOpenMaxCalls = s.coordinator.breaker.halfOpenMaxCalls;
  }
  const f = s.fleet.backoff;
  const own = [...workerBackoffs(s.fleet).byWorker].filter(([, b]) => b.strategy !== f.strategy || b.initialMs !== f.initialMs || b.maxMs !== f.maxMs || b.multiplier !== f.multiplier);
  if (own.length > 0) ctx.backoffByWorker = Object.fromEntries(own.map(([id, b]) => [id, { ...b }]));
  if (s.fleet.tlsCa) ctx.workersTlsCa = true;
  if (s.fleet.twins.length > 0) ctx.workerHosts = s.fleet.twins.map((t) => twinHost(t.of));
  if (s.fleet.heartbeatTimeoutMs !== undefined) ctx.workerHeartbeatTimeoutMs = s.fleet.heartbeatTimeoutMs;
  if (s.fleet.heartbeatMs !== undefined) ctx.workerHeartbeatMs = s.fleet.heartbeatMs;
  if (s.fleet.adaptiveHeartbeat !== undefined) ctx.workerAdaptiveHeartbeat = s.fleet.adaptiveHeartbeat;
  Object.assign(ctx, adaptiveShape(s));
  if (s.checks.maxReconnectBoundMs !== undefined) ctx.maxReconnectBoundMs = s.checks.maxReconnectBoundMs;
  if (s.fleet.handshakeTimeoutMs !== undefined) ctx.handshakeTimeoutMs = s.fleet.handshakeTimeoutMs;
  if (s.fleet.handshakeTimeoutMaxMs !== undefined) ctx.handshakeTimeoutMaxMs = s.fleet.handshakeTimeoutMaxMs;
  if (s.fleet.kinds !== undefined) ctx.workerKinds = [...s.fleet.kinds];
  // `squall worker --hand-back-grace-ms` (fleet.args; operator-args.ts): promise 25's grace.
  const grace = s.fleet.args === undefined ? undefined : workerIntent(s.fleet.args);
  if (typeof grace === 'object' && grace.handBackGraceMs !== undefined) ctx.handBackGraceMs = grace.handBackGraceMs;
  ctx.workerAllowKinds = Object.fromEntries(Object.entries(s.fleet.allowKinds ?? {}).map(([id, k]) => [id, [...k]]));
  Object.assign(ctx, coordinatorLimits(s));
  return ctx;
}

/**
 * What the simulated coordinator's welcomes announce (promises-welcome.ts):
 * the scenario's secret, signing and frame bound (the simulation never turns
 * compression off: --no-compression is a live-only flag), and its heartbeat
 * unless `squall coordinator` flags (coordinator.args) may set that.
 */
function welcomeOf(s: Scenario): NonNullable<CheckContext['welcome']> {
  const c = s.coordinator;
  const heartbeat = c.args === undefined ? { heartbeatMs: c.heartbeatMs, heartbeatTimeoutMs: c.heartbeatTimeoutMs } : {};
  return { authRequired: c.secret !== undefined, signMessages: c.signMessages, maxFrameBytes: c.maxFrameBytes ?? COORDINATOR_DOC_DEFAULTS.maxFrameBytes, compression: true, ...heartbeat };
}

/** The coordinator's limits, retention, secret and store bound, as far as the scenario sets them. */
function coordinatorLimits(s: Scenario): Partial<CheckContext> {
  const c = s.coordinator;
  const ctx: Partial<CheckContext> = {};
  if (c.maxConcurrency !== undefined) ctx.maxConcurrency = c.maxConcurrency;
  if (c.maxPendingPerClient !== undefined) ctx.maxPendingPerClient = c.maxPendingPerClient;
  if (c.maxPending !== undefined) ctx.maxPending = c.maxPending;
  if (c.durationSamples !== undefined) ctx.durationSamples = c.durationSamples;
  if (c.retention !== undefined) ctx.retention = { ...c.retention };
  if (c.secret !== undefined) ctx.secrets = [c.secret];
  // The simulated SQLite thread: a write waits for the group in flight and its own (a third: a maxBatch flush), after the commit window.
  const thread = c.store === 'sqlite' ? c.sqliteThreadMs : undefined;
  if (thread !== undefined) ctx.storeCommitBoundMs = (c.commitDelayMs ?? SIM_COMMIT_WINDOW_MS) + 3 * thread;
  return ctx;
}

/** The workers' defaults for the adaptive timeout's ceiling and k (system/worker/config.ts): their own, not the coordinator's. */
const WORKER_TIMEOUT_MAX_MS = 60_000;
const WORKER_RTT_FACTOR = 2;

/** Each side's ceiling and k of the adaptive timeout: the coordinator's (coordinator fields) and the workers' own (fleet fields, else their defaults). */
function adaptiveShape(s: Scenario): Pick<CheckContext, 'heartbeatTimeoutMaxMs' | 'rttFactor' | 'workerHeartbeatTimeoutMaxMs' | 'workerRttFactor'> {
  const { heartbeatTimeoutMaxMs, rttFactor } = s.coordinator;
  const out: Pick<CheckContext, 'heartbeatTimeoutMaxMs' | 'rttFactor' | 'workerHeartbeatTimeoutMaxMs' | 'workerRttFactor'> = {};
  if (heartbeatTimeoutMaxMs !== undefined || s.fleet.heartbeatTimeoutMaxMs !== undefined) {
    if (heartbeatTimeoutMaxMs !== undefined) out.heartbeatTimeoutMaxMs = heartbeatTimeoutMaxMs;
    out.workerHeartbeatTimeoutMaxMs = s.fleet.heartbeatTimeoutMaxMs ?? WORKER_TIMEOUT_MAX_MS;
  }
  if (rttFactor !== undefined || s.fleet.rttFactor !== undefined) {
    if (rttFactor !== undefined) out.rttFactor = rttFactor;
    out.workerRttFactor = s.fleet.rttFactor ?? WORKER_RTT_FACTOR;
  }
  return out;
}
