/**
 * `squall worker`: runs one worker process that connects to a coordinator and
 * survives any network weather. SIGTERM drains (finishes held tasks, flushes
 * results), SIGINT too; a second signal exits at once.
 */
import type { Command } from 'commander';
import { systemClock } from '../core/clock.js';
import { realCpu } from '../core/cpu.js';
import { nullSink } from '../core/events.js';
import { fileEventSink } from './event-file.js';
import { cryptoRandom } from '../core/random.js';
import { builtinTaskKinds } from '../tasks/registry.js';
import { wsTransport } from '../transport/index.js';
import { type WorkerConfig, workerConfigWithDefaults } from '../worker/config.js';
import { Worker } from '../worker/worker.js';
import { createLogger, LOG_LEVELS } from './logger.js';
import { resolverConflict, WORKER_FIELD_FLAGS } from './config-flags.js';
import { refuseConflictingFlags, secretGiven, workerFlagConflict } from './flag-rules.js';
import { workerInertFlag } from './inert-flags.js';
import { allowKindsOption, choiceOption, envAllowOption, intOption, numberOption, readPemFile, resolveSecret, textOption, wsUrlOption } from './options.js';
import { workerShutdown } from './shutdown.js';
import { onShutdownSignal } from './signals.js';

const STRATEGIES = ['none', 'full-jitter', 'equal-jitter', 'decorrelated-jitter'] as const;

/** The parsed worker flags. */
export interface WorkerFlags {
  coordinator: string;
  id: string;
  concurrency: number;
  secret?: string;
  secretFile?: string;
  allowKinds?: string[];
  commandEnvAllow?: string[];
  tlsCa?: string;
  insecure?: boolean;
  backoff: (typeof STRATEGIES)[number];
  backoffInitialMs: number;
  backoffMaxMs: number;
  backoffMultiplier: number;
  heartbeatMs: number;
  heartbeatTimeoutMs?: number;
  heartbeatTimeoutMaxMs?: number;
  adaptiveHeartbeat: boolean;
  rttFactor?: number;
  zeroRtt: boolean;
  drainTimeoutMs: number;
  handBackGraceMs: number;
  logLevel?: string;
  eventsFile?: string;
}

export function registerWorkerCommand(program: Command): void {
  const cmd = program.command('worker').description('run a worker that takes tasks from a coordinator and reconnects through any network weather');
  workerCommand(cmd, runWorker);
}

/**
 * Every flag of `squall worker`, the combinations it refuses before `action`
 * runs, and the action. `env`: where the secret's environment sources are
 * read (the process's own; a probe passes the environment it means).
 */
export function workerCommand(cmd: Command, action: (flags: WorkerFlags) => void | Promise<void>, env: NodeJS.ProcessEnv = process.env): Command {
  return refuseConflictingFlags<WorkerFlags>(addWorkerOptions(cmd), (flags, given) => workerStartConflict(flags, given, env)).action(action);
}

/** Why the worker would refuse to start with these flags, in flags: the command's rules, a flag that would do nothing (inert-flags.ts), then worker/config.ts's resolver on the config they build (secret and CA stood in for). Reads the secret's environment sources from `env` only. */
export function workerStartConflict(flags: WorkerFlags, given: (key: string) => boolean, env: NodeJS.ProcessEnv): string | undefined {
  const secret = secretGiven(flags, env) ? 'stand-in' : undefined;
  return workerFlagConflict(flags, env) ?? workerInertFlag(flags, given, env) ?? resolverConflict(() => workerConfigWithDefaults(workerConfig(flags, secret, flags.tlsCa === undefined ? undefined : 'stand-in')), WORKER_FIELD_FLAGS, given);
}

/** The worker command's flags. */
export function addWorkerOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--coordinator <url>', 'coordinator WebSocket URL, e.g. ws://127.0.0.1:7070', wsUrlOption('--coordinator'))
    .requiredOption('--id <id>', 'unique worker id', textOption('--id', 200))
    .option('--concurrency <n>', 'tasks run at once', intOption('--concurrency', 1, 10000), 1)
    .option('--secret-file <path>', 'file holding the shared secret (or $SQUALL_SECRET_FILE / $SQUALL_SECRET)')
    .option('--secret <secret>', 'shared secret (visible in ps: prefer --secret-file or $SQUALL_SECRET)')
    .option('--allow-kinds <list>', 'dangerous task kinds this worker may run: command,container (default: none)', allowKindsOption)
    .option('--command-env-allow <list>', 'worker environment variables passed to command tasks (comma-separated; never SQUALL_SECRET/SQUALL_TOKEN)', envAllowOption)
    .option('--tls-ca <pem>', 'CA certificate to trust for a wss:// coordinator (a private CA, or its own certificate)')
    .option('--insecure', 'run without a secret against a non-loopback coordinator (it cannot be told from an impostor)')
    .option('--backoff <strategy>', `reconnect backoff: ${STRATEGIES.join(' | ')}`, choiceOption('--backoff', STRATEGIES), 'full-jitter')
    .option('--backoff-initial-ms <ms>', 'first reconnect delay', intOption('--backoff-initial-ms', 0), 100)
    .option('--backoff-max-ms <ms>', 'cap on the reconnect delay (applied before jitter)', intOption('--backoff-max-ms', 0), 10000)
    .option('--backoff-multiplier <x>', 'growth factor per attempt', numberOption('--backoff-multiplier', 1), 2)
    .option('--heartbeat-ms <ms>', 'heartbeat interval', intOption('--heartbeat-ms', 10), 1000)
    .option('--heartbeat-timeout-ms <ms>', "silence after which the link is dead; with adaptive timeouts the floor (default: the coordinator's)", intOption('--heartbeat-timeout-ms', 10))
    .option('--heartbeat-timeout-max-ms <ms>', 'ceiling of the adaptive heartbeat timeout (default 60000)', intOption('--heartbeat-timeout-max-ms', 10))
    .option('--no-adaptive-heartbeat', 'keep the heartbeat timeout fixed instead of adapting it to the measured RTT')
    .option('--rtt-factor <k>', 'adaptive timeout = clamp(heartbeat + k * (srtt + 4 * rttvar), timeout, max); default 2', numberOption('--rtt-factor', 1, 100))
    .option('--no-zero-rtt', 'register after the welcome (2-RTT) instead of in the upgrade request (the 0-RTT register; only without a secret)')
    .option('--drain-timeout-ms <ms>', 'how long a graceful stop waits for held tasks', intOption('--drain-timeout-ms', 0), 30000)
    .option('--hand-back-grace-ms <ms>', 'after the drain timeout, how long the link stays open for the aborted tasks to be handed back', intOption('--hand-back-grace-ms', 0), 2000)
    .option('--log-level <level>', `${LOG_LEVELS.join('|')} (default info, or $SQUALL_LOG_LEVEL)`, choiceOption('--log-level', LOG_LEVELS))
    .option('--events-file <path>', 'append every worker event as a JSON line (for the live harness)');
}

/** Runs a worker until SIGINT/SIGTERM (which drain it). */
function runWorker(flags: WorkerFlags): void {
  const logger = createLogger({ name: `worker:${flags.id}`, level: flags.logLevel });
  const config = workerConfigFromFlags(flags);
  // Read once; nothing this process starts inherits them.
  for (const name of ['SQUALL_SECRET', 'SQUALL_SECRET_FILE', 'SQUALL_TOKEN', 'SQUALL_TOKEN_FILE']) delete process.env[name];
  const eventFile = flags.eventsFile === undefined ? undefined : fileEventSink(flags.eventsFile);
  const worker = new Worker(
    { transport: wsTransport(), clock: systemClock, random: cryptoRandom, logger, events: eventFile ?? nullSink, cpu: realCpu, taskKinds: builtinTaskKinds({ command: { envAllow: flags.commandEnvAllow ?? [] } }) },
    config,
  );
  worker.start();
  onShutdownSignal(logger, workerShutdown({ worker, drainTimeoutMs: flags.drainTimeoutMs, ...(eventFile === undefined ? {} : { eventFile }) }));
}

/** The worker options the flags ask for, with the secret and the CA read from where they point (what the command starts; the harness's deployment probe builds it too). */
export function workerConfigFromFlags(flags: WorkerFlags, env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const secret = resolveSecret(flags.secret, flags.secretFile, env);
  const tlsCa = flags.tlsCa === undefined ? undefined : readPemFile(flags.tlsCa, '--tls-ca');
  return workerConfig(flags, secret, tlsCa);
}

/** The worker options the flags ask for. */
export function workerConfig(flags: WorkerFlags, secret: string | undefined, tlsCa: string | undefined): WorkerConfig {
  return {
    id: flags.id,
    coordinatorUrl: flags.coordinator,
    ...(secret === undefined ? {} : { secret }),
    ...(tlsCa === undefined ? {} : { tlsCa }),
    allowKinds: flags.allowKinds ?? [],
    insecure: flags.insecure === true,
    concurrency: flags.concurrency,
    backoff: {
      strategy: flags.backoff,
      initialMs: flags.backoffInitialMs,
      maxMs: flags.backoffMaxMs,
      multiplier: flags.backoffMultiplier,
    },
    heartbeatMs: flags.heartbeatMs,
    adaptiveHeartbeat: flags.adaptiveHeartbeat,
    zeroRtt: flags.zeroRtt,
    handBackGraceMs: flags.handBackGraceMs,
    drainTimeoutMs: flags.drainTimeoutMs,
    ...(flags.heartbeatTimeoutMs === undefined ? {} : { heartbeatTimeoutMs: flags.heartbeatTimeoutMs }),
    ...(flags.heartbeatTimeoutMaxMs === undefined ? {} : { heartbeatTimeoutMaxMs: flags.heartbeatTimeoutMaxMs }),
    ...(flags.rttFactor === undefined ? {} : { rttFactor: flags.rttFactor }),
  };
}
