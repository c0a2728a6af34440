/**
 * `squall coordinator`: runs a coordinator process (WebSocket + HTTP on one
 * port) on the production seams: ws transport, real clock, node:crypto
 * randomness, SQLite store (or memory). SIGINT/SIGTERM close it cleanly.
 */
import type { Command } from 'commander';
import { systemClock } from '../core/clock.js';
import { type EventSink, nullSink } from '../core/events.js';
import { cryptoRandom } from '../core/random.js';
import { type CoordinatorConfig, checkCoordinatorConfig, createCoordinator } from '../coordinator/index.js';
import { builtinTaskKinds } from '../tasks/registry.js';
import { wsTransport } from '../transport/index.js';
import { durationOption, openCoordinatorStore, recoveredSummary } from './coordinator-store.js';
import { fileEventSink } from './event-file.js';
import { createLogger, LOG_LEVELS } from './logger.js';
import { addSecurityOptions, securityConfig, securityOptions, type SecurityFlags } from './coordinator-security.js';
import { COORDINATOR_FIELD_FLAGS, resolverConflict } from './config-flags.js';
import { coordinatorFlagConflict, refuseConflictingFlags, secretGiven } from './flag-rules.js';
import { coordinatorInertFlag } from './inert-flags.js';
import { MAX_DURATION_MS } from '../coordinator/config.js';
import { choiceOption, intOption, numberOption, textOption } from './options.js';
import { coordinatorShutdown } from './shutdown.js';
import { onShutdownSignal } from './signals.js';

/** The parsed coordinator flags. */
export interface CoordinatorFlags extends SecurityFlags {
  host: string;
  port: number;
  dataDir?: string;
  store?: string;
  heartbeatMs: number;
  heartbeatTimeoutMs?: number;
  heartbeatTimeoutMaxMs?: number;
  adaptiveHeartbeat: boolean;
  rttFactor?: number;
  maxPendingHandshakes?: number;
  earlySync: boolean;
  zeroRtt: boolean;
  leaseMs: number;
  compressionThreshold?: number;
  compression: boolean;
  maxConcurrent?: number;
  breaker: boolean;
  breakerThreshold?: number;
  breakerResetMs?: number;
  logLevel?: string;
  eventsFile?: string;
  init?: boolean;
  storeThread: boolean;
  retainCount?: number;
  retainAge?: number;
  retainSweep?: number;
  maxPending?: number;
  maxPendingPerClient?: number;
}

export function registerCoordinatorCommand(program: Command): void {
  coordinatorCommand(program.command('coordinator').description('run a coordinator: WebSocket for workers and the HTTP API on one port'), runCoordinator);
}

/** Every flag of `squall coordinator`, the combinations it refuses before `action` runs, and the action; `env`: where the secret's environment sources are read (the process's own by default). */
export function coordinatorCommand(cmd: Command, action: (flags: CoordinatorFlags) => void | Promise<void>, env: NodeJS.ProcessEnv = process.env): Command {
  return refuseConflictingFlags<CoordinatorFlags>(addSecurityOptions(addCoordinatorOptions(cmd)), (flags, given) => coordinatorStartConflict(flags, given, env)).action(action);
}

/**
 * Why the coordinator would refuse to start with these flags, in flags: the
 * command's own rules (flag-rules.ts), a flag that would do nothing
 * (inert-flags.ts), then the coordinator's and engine's
 * resolvers on the config the flags build (the secret and TLS files stood in
 * for: they are read only when it runs). `given(key)`: on the command line.
 */
export function coordinatorStartConflict(flags: CoordinatorFlags, given: (key: string) => boolean, env: NodeJS.ProcessEnv): string | undefined {
  const secret = secretGiven(flags, env) ? 'stand-in' : undefined;
  const tls = flags.tlsCert === undefined || flags.tlsKey === undefined ? undefined : { cert: 'stand-in', key: 'stand-in' };
  return coordinatorFlagConflict(flags, env) ?? coordinatorInertFlag(flags, given, env) ?? resolverConflict(() => checkCoordinatorConfig(coordinatorConfig(flags, securityOptions(flags, secret, tls))), COORDINATOR_FIELD_FLAGS, given);
}

/** The coordinator's own flags (the security flags are coordinator-security.ts'). */
export function addCoordinatorOptions(cmd: Command): Command {
  return cmd
    .option('--host <host>', 'address to listen on', textOption('--host', 253), '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', intOption('--port', 0, 65535), 7070)
    .option('--data-dir <dir>', 'directory of the SQLite store (default .squall-data)')
    .option('--store <kind>', 'store kind: sqlite (default, durable) or memory (lost on exit)', choiceOption('--store', ['sqlite', 'memory'] as const))
    .option('--heartbeat-ms <ms>', 'heartbeat interval', intOption('--heartbeat-ms', 10, MAX_DURATION_MS), 1000)
    .option('--heartbeat-timeout-ms <ms>', 'silence after which a connection is dead (default 3x heartbeat)', intOption('--heartbeat-timeout-ms', 10, MAX_DURATION_MS))
    .option('--heartbeat-timeout-max-ms <ms>', 'ceiling of the adaptive heartbeat timeout (default 60000)', intOption('--heartbeat-timeout-max-ms', 10, MAX_DURATION_MS))
    .option('--no-adaptive-heartbeat', 'keep the heartbeat timeout fixed at --heartbeat-timeout-ms instead of adapting it to the measured RTT')
    .option('--rtt-factor <k>', 'adaptive timeout = clamp(heartbeat + k * (srtt + 4 * rttvar), timeout, max); default 2', numberOption('--rtt-factor', 1, 100))
    .option('--max-pending-handshakes <n>', 'handshakes admitted at once; more are closed 4503 with a retry-after hint (default 256)', intOption('--max-pending-handshakes', 1))
    .option('--no-zero-rtt', "ignore workers' 0-RTT register (X-Squall-Hello): every worker registers after the welcome (only without a secret)")
    .option('--no-early-sync', "do not offer the early sync (workers then send their held-task report after 'registered': one more round trip)")
    .option('--lease-ms <ms>', 'lease duration; renewed by worker heartbeats', intOption('--lease-ms', 100, MAX_DURATION_MS), 15000)
    .option('--compression-threshold <bytes>', 'permessage-deflate for frames at least this long', intOption('--compression-threshold', 0))
    .option('--no-compression', 'disable permessage-deflate')
    .option('--max-concurrent <n>', 'global limit of executions running at once', intOption('--max-concurrent', 1))
    .option('--breaker-threshold <n>', 'consecutive failures of a task kind that open its circuit breaker (default 5)', intOption('--breaker-threshold', 1))
    .option('--breaker-reset-ms <ms>', 'how long an open breaker holds work of its kind back (default 30000)', intOption('--breaker-reset-ms', 1))
    .option('--no-breaker', 'disable the per-kind circuit breakers')
    .option('--log-level <level>', `${LOG_LEVELS.join('|')} (default info, or $SQUALL_LOG_LEVEL)`, choiceOption('--log-level', LOG_LEVELS))
    .option('--events-file <path>', 'append every coordinator event as a JSON line (for the live harness)')
    .option('--init', 'accept an empty (0-byte) squall.db as a new store (refused otherwise: it may be a lost database)')
    .option('--no-store-thread', "commit SQLite in the event loop's thread instead of the store's worker thread (a single-core host: saves the crossing's CPU)")
    .option('--retain-count <n>', 'keep at most this many finished executions (oldest pruned)', intOption('--retain-count', 1))
    .option('--retain-age <duration>', 'prune finished executions older than this (e.g. 7d, 12h)', durationOption('--retain-age'))
    .option('--retain-sweep <duration>', 'how often retention prunes (default 10s)', durationOption('--retain-sweep'))
    .option('--max-pending <n>', 'most unfinished executions at once; more get 429', intOption('--max-pending', 1))
    .option('--max-pending-per-client <n>', 'most unfinished executions per client (x-squall-client header or address); more get 429', intOption('--max-pending-per-client', 1));
}

/** Runs a coordinator until SIGINT/SIGTERM; a failed start closes the store and the event file first. */
async function runCoordinator(flags: CoordinatorFlags): Promise<void> {
  const logger = createLogger({ name: 'coordinator', level: flags.logLevel });
  const { store, where } = openCoordinatorStore(flags, logger);
  const dataDir = flags.store === 'memory' ? undefined : (flags.dataDir ?? '.squall-data');
  const security = securityConfig(flags, dataDir, logger);
  const eventFile = flags.eventsFile === undefined ? undefined : fileEventSink(flags.eventsFile);
  const events: EventSink = eventFile ?? nullSink;
  const coordinator = await createCoordinator(
    { transport: wsTransport(), clock: systemClock, random: cryptoRandom, logger, events, store, taskKinds: builtinTaskKinds(), ...(security.tokens === undefined ? {} : { tokens: security.tokens }) },
    coordinatorConfig(flags, security.config),
  ).catch(async (err: unknown) => {
    // Nothing may keep the process alive after a failed start (e.g. a busy port): close and exit non-zero.
    await store.close().catch(() => {});
    await eventFile?.close();
    throw err;
  });
  logger.info({ store: where, recovered: recoveredSummary(coordinator.engine.snapshotCounts().byStatus) }, 'store recovered');
  logger.info(
    { url: coordinator.url, http: coordinator.httpUrl, ui: `${coordinator.httpUrl}/ui`, store: flags.store ?? 'sqlite', workerAuth: security.secret !== undefined, apiAuth: flags.apiAuth, tls: security.config.tls !== undefined },
    'coordinator listening',
  );
  onShutdownSignal(logger, coordinatorShutdown({ coordinator, store, ...(eventFile === undefined ? {} : { eventFile }) }));
}

/** The coordinator options the flags ask for, over the security options. */
export function coordinatorConfig(flags: CoordinatorFlags, securityOptions: CoordinatorConfig): CoordinatorConfig {
  return {
    ...securityOptions,
    runtimeMetrics: true,
    host: flags.host,
    port: flags.port,
    heartbeatMs: flags.heartbeatMs,
    heartbeatTimeoutMs: flags.heartbeatTimeoutMs ?? flags.heartbeatMs * 3,
    adaptiveHeartbeat: flags.adaptiveHeartbeat,
    earlySync: flags.earlySync,
    zeroRtt: flags.zeroRtt,
    ...(flags.heartbeatTimeoutMaxMs === undefined ? {} : { heartbeatTimeoutMaxMs: flags.heartbeatTimeoutMaxMs }),
    ...(flags.rttFactor === undefined ? {} : { rttFactor: flags.rttFactor }),
    ...(flags.maxPendingHandshakes === undefined ? {} : { maxPendingHandshakes: flags.maxPendingHandshakes }),
    leaseMs: flags.leaseMs,
    compression: flags.compression ? { thresholdBytes: flags.compressionThreshold ?? 1024 } : false,
    ...(flags.maxPendingPerClient === undefined ? {} : { maxPendingPerClient: flags.maxPendingPerClient }),
    engine: engineOptions(flags),
  };
}

/** The engine options the flags ask for: concurrency, backlog, retention, breakers. */
function engineOptions(flags: CoordinatorFlags): NonNullable<CoordinatorConfig['engine']> {
  return {
    ...(flags.maxConcurrent === undefined ? {} : { maxConcurrentExecutions: flags.maxConcurrent }),
    ...(flags.maxPending === undefined ? {} : { maxPending: flags.maxPending }),
    ...(flags.retainCount === undefined && flags.retainAge === undefined
      ? {}
      : {
          retention: {
            ...(flags.retainCount === undefined ? {} : { maxCount: flags.retainCount }),
            ...(flags.retainAge === undefined ? {} : { maxAgeMs: flags.retainAge }),
            ...(flags.retainSweep === undefined ? {} : { sweepMs: flags.retainSweep }),
          },
        }),
    breaker: flags.breaker
      ? {
          ...(flags.breakerThreshold === undefined ? {} : { failureThreshold: flags.breakerThreshold }),
          ...(flags.breakerResetMs === undefined ? {} : { resetTimeoutMs: flags.breakerResetMs }),
        }
      : false,
  };
}
