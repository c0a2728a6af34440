/**
 * The coordinator: one port for worker WebSockets (/ws) and the HTTP API,
 * wiring the engine to connections. It owns connections, sessions, the worker
 * registry, the assignment loop and the heartbeat monitor; the engine owns
 * every execution's state and is reachable as `coordinator.engine` for
 * embedding.
 */
import { type Buggify, noBuggify } from '../core/buggify.js';
import type { Clock } from '../core/clock.js';
import { ErrorCode, SquallError } from '../core/errors.js';
import { LogLimiter } from '../core/log-limiter.js';
import type { EventSink } from '../core/events.js';
import type { ExecutionId, LeaseToken, WorkerId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import { type Marks, noMarks } from '../core/marks.js';
import type { Random } from '../core/random.js';
import type { HttpHandler, Listener, Transport } from '../core/transport.js';
import type { Dispatcher } from '../engine/contract.js';
import type { Store } from '../store/store.js';
import type { TaskKind } from '../tasks/kind.js';
import { AssignmentLoop } from './assignment.js';
import { resolveCoordinatorConfig, type CoordinatorConfig, type ResolvedCoordinatorConfig } from './config.js';
import { CoordinatorConnection } from './connection-handler.js';
import { eventEmitter, type CoordinatorContext, type CoordinatorEngine, type LiveConnection } from './context.js';
import { type HealthSource } from './health.js';
import { Admission } from './admission.js';
import { HeartbeatMonitor } from './heartbeat-monitor.js';
import { createHttpApi } from './http-api.js';
import { securedHttp, checkListenSecurity } from './security.js';
import type { TokenStore } from './tokens.js';
import { CoordinatorMetrics } from './metrics.js';
import { resolvePolicies, type CoordinatorPolicies } from './policies.js';
import { WorkerRegistry, type WorkerView } from './registry.js';
import { SendBacklog } from './send-backlog.js';
import { createUiHandler, type UiHandler } from './ui/ui-handler.js';

/** The seams a coordinator runs on (production: ws, real clock, crypto, SQLite; simulation: virtual ones). */
export interface CoordinatorDeps {
  transport: Transport;
  clock: Clock;
  random: Random;
  logger: Logger;
  events: EventSink;
  store: Store;
  taskKinds: ReadonlyMap<string, TaskKind<unknown>>;
  /** API tokens (needed when config.apiAuth is 'token'). */
  tokens?: TokenStore;
  /** Coverage marks (default noMarks; the simulation counts them). Passed on to the engine. */
  marks?: Marks;
  /** Seeded window-widening (default noBuggify; only the simulation passes a live one). */
  buggify?: Buggify;
  /** Policies in place of the real ones (policies.ts; default none: the real ones). */
  policies?: Partial<CoordinatorPolicies>;
  /** Emit an `rtt_sampled` event per round-trip sample (default off; the simulation's checker reads them). */
  traceRtt?: boolean;
}

/** Makes the engine; `events` already includes the coordinator's metrics hook. */
export type EngineFactory = (deps: CoordinatorDeps & { events: EventSink }, config: ResolvedCoordinatorConfig) => Promise<CoordinatorEngine>;

/** A running coordinator. */
export interface Coordinator {
  /** ws://host:port (workers connect to url + "/ws"). */
  readonly url: string;
  /** http://host:port */
  readonly httpUrl: string;
  readonly port: number;
  readonly engine: CoordinatorEngine;
  readonly handleHttp: HttpHandler;
  readonly metrics: CoordinatorMetrics;
  readonly config: ResolvedCoordinatorConfig;
  workers(): WorkerView[];
  /** Dashboard streams (GET /ui/events) subscribed in the event hub now: equals the open ones unless a closed stream leaked. */
  uiStreams(): number;
  /** Stops the loops and closes every connection (1001) and the port. Does not close the store. */
  close(): Promise<void>;
}

/**
 * Starts a coordinator around an engine made by `makeEngine` (recovered from
 * the store before the port opens).
 */
export async function startCoordinator(deps: CoordinatorDeps, configIn: CoordinatorConfig, makeEngine: EngineFactory): Promise<Coordinator> {
  const config = resolveCoordinatorConfig(configIn);
  checkListenSecurity(config, deps.tokens, deps.logger);
  const registry = new WorkerRegistry();
  const connections = new Map<string, LiveConnection>();
  const late: LateSinks = {};
  const events = coordinatorEvents(deps.events, late);
  const engine = await makeEngine({ ...deps, events }, config);
  const admission = new Admission(deps.clock, config.maxPendingHandshakes);
  const metrics = (late.metrics = coordinatorMetrics({ engine, registry, connections, admission, config }));
  const { ctx, loop, logger } = coordinatorContext(deps, config, { engine, registry, metrics, connections, admission, events });
  const monitor = new HeartbeatMonitor(ctx);
  engine.setDispatcher(engineDispatcher(registry, logger, () => loop.wake()));

  const workers = (): WorkerView[] => registry.all().map((e) => registry.view(e, engine.leasesOf(e.workerId)));
  let listening = false;
  const health: HealthSource = { store: () => engine.storeHealth(), listening: () => listening };
  const { handleHttp, ui } = httpSide(deps, config, { engine, workers, metrics, health, policies: ctx.policies });
  late.ui = ui;

  let listener: Listener;
  try {
    listener = await listen(deps.transport, config, ctx, handleHttp);
  } catch (err) {
    loop.stop();
    await engine.close();
    throw listenError(err, config.host, config.port);
  }
  listening = true;
  monitor.start();
  loop.wake();
  // The process that owns it says "coordinator listening" once, with everything a user needs (cli/coordinator.ts).
  logger.debug({ url: listener.url }, 'listener open');

  let closing: Promise<void> | undefined;
  const stopLoops = (): void => {
    monitor.stop();
    loop.stop();
    ui.close();
    for (const c of [...connections.values()]) c.shutdown();
    listening = false;
  };
  const close = (): Promise<void> => (closing ??= closeAll(stopLoops, listener, engine));
  return { url: listener.url, httpUrl: listener.url.replace(/^ws/, 'http'), port: listener.port, engine, handleHttp, metrics, config, workers, uiStreams: () => ui.hub.size, close };
}

/** What every part of the coordinator shares (CoordinatorContext), and the assignment loop its `wake` runs. */
function coordinatorContext(
  deps: CoordinatorDeps,
  config: ResolvedCoordinatorConfig,
  parts: Pick<CoordinatorContext, 'engine' | 'registry' | 'metrics' | 'connections' | 'admission'> & { events: EventSink },
): { ctx: CoordinatorContext; loop: AssignmentLoop; logger: Logger } {
  const { events, ...shared } = parts;
  const logger = deps.logger.child({ component: 'coordinator' });
  const seams = { marks: deps.marks ?? noMarks, buggify: deps.buggify ?? noBuggify, traceRtt: deps.traceRtt === true };
  const rejectLog = new LogLimiter(deps.clock);
  const policies = resolvePolicies(deps.policies);
  const base = { config, clock: deps.clock, random: deps.random, logger, ...seams, ...shared, sendBacklog: new SendBacklog(seams.marks), emit: eventEmitter(events, deps.clock, logger), rejectLog, policies };
  const loop = new AssignmentLoop(base);
  return { ctx: { ...base, wake: () => loop.wake() }, loop, logger };
}

/**
 * Stops the loops, connections and the engine, then closes the port. The
 * engine first: a request still reaching the handler while the port closes
 * (a keep-alive connection, one in flight) acts on nothing and is answered
 * 503 illegal_state with Retry-After, never half-done or acted on unanswered.
 */
async function closeAll(stopLoops: () => void, listener: Listener, engine: CoordinatorEngine): Promise<void> {
  stopLoops();
  const closed = engine.close();
  await listener.close();
  await closed;
}

/** Sinks made after the engine (which needs the event sink first): the event sink reaches them once set. */
interface LateSinks {
  metrics?: CoordinatorMetrics;
  ui?: UiHandler;
}

/** The coordinator's event sink: counts lease expiries, notifies the dashboard, then passes the event on. */
function coordinatorEvents(out: EventSink, late: LateSinks): EventSink {
  return {
    emit: (e) => {
      if (e.type === 'lease_expired') late.metrics?.leaseExpiries.inc();
      late.ui?.notify(e);
      out.emit(e);
    },
  };
}

/** The metrics registry, reading its gauges from the engine, the registry, the live connections and admission. */
function coordinatorMetrics(o: {
  engine: CoordinatorEngine;
  registry: WorkerRegistry;
  connections: ReadonlyMap<string, LiveConnection>;
  admission: Admission;
  config: ResolvedCoordinatorConfig;
}): CoordinatorMetrics {
  const { engine, registry, connections } = o;
  return new CoordinatorMetrics({
    handshakesPending: () => o.admission.pending,
    timeoutsInForce: () => [...connections.values()].map((c) => c.timeoutMs),
    outboxDepth: () => registry.outboxDepth(),
    workersByState: () => {
      const out: Record<string, number> = { connected: 0, disconnected: 0, lost: 0 };
      for (const e of registry.all()) out[e.state] = (out[e.state] ?? 0) + 1;
      return out;
    },
    executionsByStatus: () => engine.snapshotCounts().byStatus,
    breakerStates: () => engine.breakerStates(),
    runtime: o.config.runtimeMetrics,
  });
}

/** How the engine reaches workers: aborts go to the holder's session (reliably), wake runs the assignment loop. */
function engineDispatcher(registry: WorkerRegistry, logger: Logger, wake: () => void): Dispatcher {
  return {
    abort(workerId: WorkerId, executionId: ExecutionId, leaseToken: LeaseToken, reason) {
      const session = registry.get(workerId)?.session;
      if (session === undefined) {
        logger.info({ workerId, executionId, reason }, 'abort for a worker without a session; it will be revoked on sync');
        return;
      }
      session.sendReliable({ type: 'abort', executionId, leaseToken, reason });
    },
    wake,
  };
}

/** The HTTP side: the API and the dashboard (/ui), both behind the same gate (the dashboard's page and assets are open paths, its data routes need a read token). */
function httpSide(
  deps: CoordinatorDeps,
  config: ResolvedCoordinatorConfig,
  o: { engine: CoordinatorEngine; workers: () => WorkerView[]; metrics: CoordinatorMetrics; health: HealthSource; policies: CoordinatorPolicies },
): { handleHttp: HttpHandler; ui: UiHandler } {
  const { engine, metrics, policies } = o;
  const quota = config.maxPendingPerClient === undefined ? undefined : policies.clientQuota(config.maxPendingPerClient, (id) => engine.get(id as ExecutionId)?.status);
  const { statusByCode } = policies;
  const api = createHttpApi({ engine, taskKinds: deps.taskKinds, clock: deps.clock, workers: o.workers, metrics: () => metrics.text(), health: o.health, statusByCode, ...(quota === undefined ? {} : { quota }) });
  const ui = createUiHandler({ clock: deps.clock, engine, workers: o.workers });
  return { handleHttp: securedHttp((req) => ui.handle(req) ?? api(req), config, { ...deps, policies }), ui };
}

/** Opens the one port: worker WebSockets on /ws, HTTP for everything else. */
function listen(transport: Transport, config: ResolvedCoordinatorConfig, ctx: CoordinatorContext, handleHttp: HttpHandler): Promise<Listener> {
  return transport.listen({
    host: config.host,
    port: config.port,
    wsPath: '/ws',
    maxPayloadBytes: Math.max(config.maxFrameBytes * 4, 64 * 1024),
    perMessageDeflate: config.compression,
    onConnection: (conn, info) => new CoordinatorConnection(ctx, conn).start(info.hello),
    onHttp: handleHttp,
    ...(config.tls === undefined ? {} : { tls: config.tls }),
  });
}

/** A listen failure as a clear error: a busy port names the address and what to do. */
function listenError(err: unknown, host: string, port: number): unknown {
  const code = (err as { code?: unknown }).code;
  if (code === 'EADDRINUSE') {
    return new SquallError(ErrorCode.Unavailable, `cannot listen on ${host}:${port}: the address is already in use (EADDRINUSE); stop the process holding it or pick another --port`, { cause: err });
  }
  if (code === 'EACCES') return new SquallError(ErrorCode.Unavailable, `cannot listen on ${host}:${port}: permission denied (EACCES); use a port above 1023`, { cause: err });
  return err;
}
