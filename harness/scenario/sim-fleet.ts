/**
 * The simulated coordinator and the fleet a scenario describes: the
 * coordinator's config (its fields, or `squall coordinator` flags built by
 * the command's own builders) and each worker's. A config either process
 * refuses at start fails the run (promise 8), not crashes it (config-refused.ts).
 */
import type { CoordinatorConfig, TokenStore } from '../../system/coordinator/index.js';
import type { SimWorkerOptions, Simulation } from '../sim/index.js';
import { coordinatorArgsConfig, defined, fleetCoordinatorUrl, workerArgsConfig } from './operator-args.js';
import type { EngineExtras } from './run-extras.js';
import type { SimRunOptions } from './run-sim.js';
import { type Scenario, workerIds } from './schema.js';
import { MARKUP_WORKER_HOST, MARKUP_WORKER_ID, SIM_TLS_CA_PEM } from './schema-security.js';
import { givenBackoffs, workerBackoffs } from './targets.js';
import { startOrRefused, startOrRefusedAsync } from './config-refused.js';
import { refuseUnlessCommandAccepts } from './command-accepts.js';

export async function spawnFleet(sim: Simulation, scenario: Scenario, store: SimRunOptions['store'], extras: EngineExtras, tokens: TokenStore): Promise<void> {
  const c = scenario.coordinator;
  // The docs accept these flags (the loader checked): the running command must too, or promise 8 fails (command-accepts.ts).
  refuseUnlessCommandAccepts('coordinator', 'coordinator', c.args);
  await startOrRefusedAsync('coordinator', () => sim.spawnCoordinator({
    ...extras.coordinatorOptions(),
    ...(store === undefined ? {} : { store }),
    ...(store === 'sqlite' && c.sqliteThreadMs !== undefined ? { sqliteThreadMs: c.sqliteThreadMs } : {}),
    tokens,
    config: {
      apiAuth: 'token',
      ...(c.listen === undefined ? {} : { host: c.listen }),
      ...(c.allowedHosts === undefined ? {} : { allowedHosts: c.allowedHosts }),
      heartbeatMs: c.heartbeatMs,
      heartbeatTimeoutMs: c.heartbeatTimeoutMs,
      adaptiveHeartbeat: c.adaptiveHeartbeat,
      ...defined({ heartbeatTimeoutMaxMs: c.heartbeatTimeoutMaxMs, rttFactor: c.rttFactor }),
      leaseMs: c.leaseMs,
      ...(c.secret === undefined ? {} : { secret: c.secret }),
      signMessages: c.signMessages,
      ...(c.maxFrameBytes === undefined ? {} : { maxFrameBytes: c.maxFrameBytes }),
      ...(c.sessionTtlMs === undefined ? {} : { sessionTtlMs: c.sessionTtlMs }),
      ...defined({ zeroRtt: c.zeroRtt }),
      ...admissionConfig(c),
    },
  }));
  const served = new URL(sim.coordinator.url); // coordinator.proxy: an ingress serving it under a path prefix
  if (c.proxy !== undefined) sim.net.addProxyRoute(served.hostname, { ...c.proxy, to: Number(served.port) });
  spawnWorkers(sim, scenario);
}

/** The fleet's workers, each with its own config as the scenario builds it. */
function spawnWorkers(sim: Simulation, scenario: Scenario): void {
  const c = scenario.coordinator;
  const f = scenario.fleet;
  const backoffs = workerBackoffs(f).byWorker;
  const given = givenBackoffs(f); // asGiven groups: exactly the fields given (a WorkerConfig built in code)
  refuseUnlessCommandAccepts(`worker ${workerIds(f)[0] ?? 'w1'}`, 'worker', f.args);
  workerIds(f).forEach((id, i) => {
    const options: SimWorkerOptions = {
      ...fleetCoordinatorUrl(f, id, i),
      config: {
        concurrency: f.concurrency,
        ...(c.secret === undefined ? {} : { secret: c.secret }),
        backoff: given.get(id) ?? { ...(backoffs.get(id) ?? f.backoff) },
        adaptiveHeartbeat: f.adaptiveHeartbeat ?? c.adaptiveHeartbeat,
        ...(f.heartbeatMs === undefined ? {} : { heartbeatMs: f.heartbeatMs }),
        ...(f.heartbeatTimeoutMs === undefined ? {} : { heartbeatTimeoutMs: f.heartbeatTimeoutMs }),
        ...defined({ heartbeatTimeoutMaxMs: f.heartbeatTimeoutMaxMs, rttFactor: f.rttFactor }),
        ...(f.handshakeTimeoutMs === undefined ? {} : { handshakeTimeoutMs: f.handshakeTimeoutMs }),
        ...(f.handshakeTimeoutMaxMs === undefined ? {} : { handshakeTimeoutMaxMs: f.handshakeTimeoutMaxMs }),
        ...(f.outboxLimit === undefined ? {} : { outboxCapacity: f.outboxLimit }),
        ...(f.kinds === undefined ? {} : { kinds: f.kinds }),
        ...(f.allowKinds?.[id] === undefined ? {} : { allowKinds: f.allowKinds[id] }),
        ...(f.tlsCa ? { tlsCa: SIM_TLS_CA_PEM } : {}),
        ...defined({ zeroRtt: f.zeroRtt }),
        // `squall worker ARGS` (fleet.args): its capabilities as the command builds them (operator-args.ts).
        ...(f.args === undefined ? {} : workerArgsConfig(id, f.args)),
      },
    };
    startOrRefused(`worker ${id}`, () => sim.spawnWorker(id, options));
    // fleet.markupWorker: one more, like the first, registering with an id that carries markup (the dashboard shows it as text).
    if (i === 0 && f.markupWorker) startOrRefused(`worker ${MARKUP_WORKER_ID}`, () => sim.spawnWorker(MARKUP_WORKER_HOST, options, MARKUP_WORKER_ID));
  });
}

/**
 * The engine's limits and retention and the admission limits: from the
 * scenario's fields, or, when it gives `squall coordinator` flags
 * (coordinator.args), as the command builds them from those flags (its own
 * addCoordinatorOptions and coordinatorConfig; operator-args.ts).
 */
function admissionConfig(c: Scenario['coordinator']): Pick<CoordinatorConfig, 'maxPendingHandshakes' | 'maxPendingPerClient' | 'engine' | 'heartbeatMs' | 'heartbeatTimeoutMs' | 'adaptiveHeartbeat' | 'heartbeatTimeoutMaxMs' | 'rttFactor' | 'leaseMs' | 'earlySync' | 'zeroRtt'> {
  if (c.args !== undefined) {
    // The heartbeat, lease and breaker settings too when the flags give them (operator-args.ts coordinatorArgsConfig).
    const cli = coordinatorArgsConfig(c.args);
    return { ...cli, engine: { breaker: c.breaker, ...cli.engine } };
  }
  return {
    ...(c.maxPendingHandshakes === undefined ? {} : { maxPendingHandshakes: c.maxPendingHandshakes }),
    ...(c.maxPendingPerClient === undefined ? {} : { maxPendingPerClient: c.maxPendingPerClient }),
    engine: { breaker: c.breaker, ...(c.maxConcurrency === undefined ? {} : { maxConcurrentExecutions: c.maxConcurrency }), ...(c.retention === undefined ? {} : { retention: c.retention }), ...(c.maxPending === undefined ? {} : { maxPending: c.maxPending }), ...(c.durationSamples === undefined ? {} : { durationSamples: c.durationSamples }) },
  };
}

