/**
 * Operator command lines in scenarios (blind set 17 #11, #13): what an
 * operator configures is what the system does. A scenario may configure the
 * coordinator (`coordinator.args`), every worker (`fleet.args`) and a
 * worker's new process at a restart (`restart` fault `args`) with the flags
 * of `squall coordinator` / `squall worker`, and the simulation turns them
 * into config through the commands' own option builders (addCoordinatorOptions
 * + coordinatorConfig, addWorkerOptions + workerConfig), so a flag dropped or
 * misread on the way is run, not bypassed. The I/O flags (listen address,
 * data dir, store, files, TLS) are left out: a flag outside the supported
 * lists is refused at load, those the simulation cannot honour with the
 * reason (REFUSED_FLAGS: compression, security, the drain timeout).
 *
 * What the operator asked for is read here a second time, from the flags'
 * documented meaning (README, --help), not from the code under test: the
 * scenario's own fields (coordinator.retention, maxPending, ...; fleet
 * concurrency, allowKinds) are filled from it, so the checker judges the
 * system against the command line.
 */
import { Command } from 'commander';
import { addCoordinatorOptions, addWorkerOptions, coordinatorConfig, type CoordinatorFlags, workerConfig, type WorkerFlags } from '../../system/cli/index.js';
import type { CoordinatorConfig } from '../../system/coordinator/index.js';
import type { WorkerConfig } from '../../system/worker/index.js';

/** `squall coordinator` flags a scenario may give, each with the value it takes (but the BOOLEAN_FLAGS). */
const COORDINATOR_ARG_FLAGS = [
  '--retain-count', '--retain-age', '--retain-sweep', '--max-pending', '--max-pending-per-client', '--max-concurrent', '--max-pending-handshakes',
  '--heartbeat-ms', '--heartbeat-timeout-ms', '--heartbeat-timeout-max-ms', '--no-adaptive-heartbeat', '--rtt-factor', '--lease-ms', '--breaker-threshold', '--breaker-reset-ms', '--no-breaker',
  '--no-early-sync', '--no-store-thread', '--no-zero-rtt',
] as const;
/** `squall worker` flags a scenario may give (fleet.args; a restart's args: not the heartbeat ones, which the checker reads fleet-wide). */
const WORKER_ARG_FLAGS = [
  '--concurrency', '--allow-kinds', '--heartbeat-ms', '--heartbeat-timeout-ms', '--heartbeat-timeout-max-ms', '--no-adaptive-heartbeat', '--rtt-factor',
  '--backoff', '--backoff-initial-ms', '--backoff-max-ms', '--backoff-multiplier', '--hand-back-grace-ms', '--no-zero-rtt',
] as const;
/** Flags that take no value. */
const BOOLEAN_FLAGS: readonly string[] = ['--no-adaptive-heartbeat', '--no-breaker', '--no-early-sync', '--no-store-thread', '--no-zero-rtt'];
/** The worker's backoff flags (read fleet-wide by the checker: refused in a restart's args, and beside a group's own backoff). */
export const WORKER_BACKOFF_FLAGS: readonly string[] = ['--backoff', '--backoff-initial-ms', '--backoff-max-ms', '--backoff-multiplier'];

const SECURITY_WHY = "the simulation's secret, signing, API tokens, TLS and Host/Origin gates are the scenario's own fields (coordinator.secret, signMessages, allowedHosts, listen; fleet.tlsCa), and the deployment adversary runs these flags through the commands' own builders at start (promise 8)";
/** Flags of the commands the simulation cannot honour, each with why (the rest of the unsupported ones are the harness's I/O). */
const REFUSED_FLAGS: Readonly<Record<string, string>> = {
  '--compression-threshold': 'the simulated network carries each frame as sent: permessage-deflate is the ws adapter\'s, live runs only',
  '--no-compression': 'the simulated network carries each frame as sent: permessage-deflate is the ws adapter\'s, live runs only',
  '--drain-timeout-ms': "a graceful stop is the `drain` fault, whose timeoutMs is the worker's --drain-timeout-ms: give it there",
  '--command-env-allow': "the command kind's environment is the simulated host's; the deployment adversary probes the flag (promise 8)",
  ...Object.fromEntries(['--secret', '--secret-file', '--sign-messages', '--no-sign-messages', '--api-auth', '--metrics-auth', '--bootstrap-token-file', '--tls-cert', '--tls-key', '--tls-ca', '--allowed-origins', '--allowed-hosts', '--insecure'].map((f) => [f, SECURITY_WHY])),
};
/** The worker's heartbeat flags (refused in a restart's args). */
export const WORKER_HEARTBEAT_FLAGS: readonly string[] = ['--heartbeat-ms', '--heartbeat-timeout-ms', '--heartbeat-timeout-max-ms', '--no-adaptive-heartbeat', '--rtt-factor'];

/**
 * The command's documented defaults (README, --help) of the flag families a
 * scenario field also sets: a family the args touch takes the command's
 * defaults for its flags not given; a family they leave alone keeps the
 * scenario's fields (as the harness's I/O flags).
 */
const CLI_DEFAULTS = { heartbeatMs: 1000, timeoutPerInterval: 3, leaseMs: 15_000, breakerThreshold: 5, breakerResetMs: 30_000 };

/** The coordinator fields the scenario keeps, as the operator asked for them. */
export interface CoordinatorIntent {
  retention?: { maxCount?: number; maxAgeMs?: number; sweepMs?: number };
  maxPending?: number;
  maxPendingPerClient?: number;
  maxConcurrency?: number;
  maxPendingHandshakes?: number;
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  adaptiveHeartbeat?: boolean;
  heartbeatTimeoutMaxMs?: number;
  rttFactor?: number;
  leaseMs?: number;
  breaker?: false | { failureThreshold: number; resetTimeoutMs: number; halfOpenMaxCalls: number };
  /** --no-zero-rtt: workers' 0-RTT hellos ignored (scenario coordinator.zeroRtt). */
  zeroRtt?: false;
}

/** A worker's capabilities as the operator asked for them: a whole command line, so a flag not given takes the command's default (--help: concurrency 1, no dangerous kinds); the heartbeat and backoff families and the hand-back grace only when given. */
export interface WorkerIntent {
  concurrency: number;
  allowKinds: ('command' | 'container')[];
  backoff?: { strategy: 'none' | 'full-jitter' | 'equal-jitter' | 'decorrelated-jitter'; initialMs: number; maxMs: number; multiplier: number };
  handBackGraceMs?: number;
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  adaptiveHeartbeat?: boolean;
  heartbeatTimeoutMaxMs?: number;
  rttFactor?: number;
  /** --no-zero-rtt: registers after the welcome (scenario fleet.zeroRtt). */
  zeroRtt?: false;
}

/** Flag → value pairs of `args` (each supported flag takes one value), or the first problem. */
function argPairs(args: readonly string[], supported: readonly string[]): Map<string, string> | string {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i] as string, args[i + 1]];
    if (BOOLEAN_FLAGS.includes(flag) && supported.includes(flag)) {
      if (out.has(flag)) return `${flag} is given twice`;
      out.set(flag, 'true');
      i -= 1;
      continue;
    }
    const why = REFUSED_FLAGS[flag];
    if (!supported.includes(flag) && why !== undefined) return `"${flag}" cannot be given to the simulation: ${why}`;
    if (!supported.includes(flag)) return `"${flag}" is not a flag a scenario may give here (supported: ${supported.join(', ')}; the I/O flags are the harness's)`;
    if (value === undefined || value.startsWith('--')) return `${flag} needs a value`;
    if (out.has(flag)) return `${flag} is given twice`;
    out.set(flag, value);
  }
  return out;
}

export const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration as the README documents it: a positive integer with an optional unit (ms, s, m, h, d; none: ms). */
export function durationMs(v: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v);
  return m === null ? NaN : Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] as number);
}

/** The coordinator fields `args` ask for (see the file comment), or a problem. */
export function coordinatorIntent(args: readonly string[]): CoordinatorIntent | string {
  const p = argPairs(args, COORDINATOR_ARG_FLAGS);
  if (typeof p === 'string') return p;
  const num = (flag: string, read: (v: string) => number = Number): number | undefined => (p.has(flag) ? read(p.get(flag) as string) : undefined);
  const retention = { maxCount: num('--retain-count'), maxAgeMs: num('--retain-age', durationMs), sweepMs: num('--retain-sweep', durationMs) };
  const out: CoordinatorIntent = {};
  // Either limit alone is a policy (README, Retention); a sweep period alone is not.
  if (retention.maxCount !== undefined || retention.maxAgeMs !== undefined) out.retention = defined(retention);
  Object.assign(out, defined({ maxPending: num('--max-pending'), maxPendingPerClient: num('--max-pending-per-client'), maxConcurrency: num('--max-concurrent'), maxPendingHandshakes: num('--max-pending-handshakes') }));
  Object.assign(out, heartbeatIntent(p, true), defined({ leaseMs: num('--lease-ms') }));
  if (p.has('--no-zero-rtt')) out.zeroRtt = false;
  if (p.has('--no-breaker')) out.breaker = false;
  else if (p.has('--breaker-threshold') || p.has('--breaker-reset-ms')) {
    out.breaker = { failureThreshold: num('--breaker-threshold') ?? CLI_DEFAULTS.breakerThreshold, resetTimeoutMs: num('--breaker-reset-ms') ?? CLI_DEFAULTS.breakerResetMs, halfOpenMaxCalls: 1 };
  }
  const breaker = out.breaker === false || out.breaker === undefined ? [] : [out.breaker.failureThreshold, out.breaker.resetTimeoutMs];
  const values = [...Object.values(out.retention ?? {}), out.maxPending, out.maxPendingPerClient, out.maxConcurrency, out.maxPendingHandshakes, out.heartbeatMs, out.heartbeatTimeoutMs, out.heartbeatTimeoutMaxMs, out.leaseMs, ...breaker];
  const bad = values.some((v) => v !== undefined && !(Number.isSafeInteger(v) && v > 0)) || !positiveFactor(out.rttFactor);
  return bad ? `every value of ${args.join(' ')} must be a positive integer (durations: 500ms, 3s, ...)` : out;
}

/**
 * The heartbeat family's fields when the args touch it: the interval (default
 * 1000), the timeout (the coordinator's default: 3 × its interval; the
 * worker's: the coordinator's, left undefined) and adaptation (on unless
 * --no-adaptive-heartbeat).
 */
function heartbeatIntent(p: Map<string, string>, coordinator: boolean): Pick<CoordinatorIntent, 'heartbeatMs' | 'heartbeatTimeoutMs' | 'adaptiveHeartbeat' | 'heartbeatTimeoutMaxMs' | 'rttFactor'> {
  if (!WORKER_HEARTBEAT_FLAGS.some((f) => p.has(f))) return {};
  const heartbeatMs = p.has('--heartbeat-ms') ? Number(p.get('--heartbeat-ms')) : CLI_DEFAULTS.heartbeatMs;
  const given = p.has('--heartbeat-timeout-ms') ? Number(p.get('--heartbeat-timeout-ms')) : undefined;
  const heartbeatTimeoutMs = given ?? (coordinator ? heartbeatMs * CLI_DEFAULTS.timeoutPerInterval : undefined);
  const shape = defined({ heartbeatTimeoutMaxMs: p.has('--heartbeat-timeout-max-ms') ? Number(p.get('--heartbeat-timeout-max-ms')) : undefined, rttFactor: p.has('--rtt-factor') ? Number(p.get('--rtt-factor')) : undefined });
  return { heartbeatMs, ...(heartbeatTimeoutMs === undefined ? {} : { heartbeatTimeoutMs }), adaptiveHeartbeat: !p.has('--no-adaptive-heartbeat'), ...shape };
}

/** A worker's capabilities `args` ask for (the command's defaults for what they leave out), or a problem. */
export function workerIntent(args: readonly string[]): WorkerIntent | string {
  const p = argPairs(args, WORKER_ARG_FLAGS);
  if (typeof p === 'string') return p;
  const c = p.get('--concurrency') ?? '1';
  const concurrency = Number(c);
  if (!(Number.isSafeInteger(concurrency) && concurrency > 0)) return `--concurrency must be a positive integer, got ${c}`;
  const kinds = (p.get('--allow-kinds') ?? '').split(',').map((k) => k.trim()).filter((k) => k !== '');
  if (kinds.some((k) => k !== 'command' && k !== 'container')) return `--allow-kinds takes command and container, got ${kinds.join(',')}`;
  const hb = heartbeatIntent(p, false);
  if ([hb.heartbeatMs, hb.heartbeatTimeoutMs, hb.heartbeatTimeoutMaxMs].some((v) => v !== undefined && !(Number.isSafeInteger(v) && v > 0)) || !positiveFactor(hb.rttFactor)) return `the heartbeat values of ${args.join(' ')} must be positive integers`;
  const backoff = backoffIntent(p);
  if (typeof backoff === 'string') return backoff;
  const grace = p.has('--hand-back-grace-ms') ? Number(p.get('--hand-back-grace-ms')) : undefined;
  if (grace !== undefined && !(Number.isSafeInteger(grace) && grace >= 0)) return `--hand-back-grace-ms must be an integer >= 0, got ${p.get('--hand-back-grace-ms')}`;
  const zeroRtt = p.has('--no-zero-rtt') ? { zeroRtt: false as const } : {};
  return { concurrency, allowKinds: kinds as WorkerIntent['allowKinds'], ...hb, ...(backoff === undefined ? {} : { backoff }), ...(grace === undefined ? {} : { handBackGraceMs: grace }), ...zeroRtt };
}

const STRATEGIES: readonly string[] = ['none', 'full-jitter', 'equal-jitter', 'decorrelated-jitter'];

/** The backoff family when the args touch it, the flags not given at `squall worker --help`'s defaults (full-jitter, 100, 10000, 2), or a problem. */
function backoffIntent(p: Map<string, string>): WorkerIntent['backoff'] | string | undefined {
  if (!WORKER_BACKOFF_FLAGS.some((f) => p.has(f))) return undefined;
  const strategy = p.get('--backoff') ?? 'full-jitter';
  if (!STRATEGIES.includes(strategy)) return `--backoff takes ${STRATEGIES.join(', ')}, got ${strategy}`;
  const [initialMs, maxMs, multiplier] = [Number(p.get('--backoff-initial-ms') ?? 100), Number(p.get('--backoff-max-ms') ?? 10_000), Number(p.get('--backoff-multiplier') ?? 2)];
  if (!Number.isSafeInteger(initialMs) || initialMs < 0 || !Number.isSafeInteger(maxMs) || maxMs < 1) return `--backoff-initial-ms must be an integer >= 0 and --backoff-max-ms one >= 1`;
  if (!(Number.isFinite(multiplier) && multiplier >= 1)) return `--backoff-multiplier must be a number >= 1, got ${p.get('--backoff-multiplier')}`;
  return { strategy: strategy as NonNullable<WorkerIntent['backoff']>['strategy'], initialMs, maxMs, multiplier };
}

/** What the simulation takes of the config `squall coordinator ARGS` builds: the engine's and admission always; the heartbeat, lease and breaker families and the early sync when the args touch them. */
type CoordinatorArgsConfig = Pick<CoordinatorConfig, 'maxPendingPerClient' | 'maxPendingHandshakes' | 'heartbeatMs' | 'heartbeatTimeoutMs' | 'adaptiveHeartbeat' | 'heartbeatTimeoutMaxMs' | 'rttFactor' | 'leaseMs' | 'earlySync' | 'zeroRtt'> & { engine: NonNullable<CoordinatorConfig['engine']> };

/** The config `squall coordinator ARGS` builds (its own options and coordinatorConfig), the parts the simulation takes (see CoordinatorArgsConfig). */
export function coordinatorArgsConfig(args: readonly string[]): CoordinatorArgsConfig {
  const cmd = addCoordinatorOptions(new Command('coordinator').exitOverride());
  cmd.parse([...args], { from: 'user' });
  const c = coordinatorConfig(cmd.opts<CoordinatorFlags>(), {});
  const touched = (flags: readonly string[]): boolean => args.some((a) => flags.includes(a));
  const { breaker, ...engine } = c.engine ?? {};
  return {
    engine: touched(['--breaker-threshold', '--breaker-reset-ms', '--no-breaker']) ? { ...engine, ...(breaker === undefined ? {} : { breaker }) } : engine,
    ...defined({ maxPendingPerClient: c.maxPendingPerClient, maxPendingHandshakes: c.maxPendingHandshakes }),
    ...(touched(WORKER_HEARTBEAT_FLAGS) ? heartbeatConfig(c) : {}),
    ...(touched(['--lease-ms']) ? defined({ leaseMs: c.leaseMs }) : {}),
    // --no-store-thread: the SQLite store commits in the event loop's thread, as the simulation's does without coordinator.sqliteThreadMs (validate-operator.ts).
    ...(touched(['--no-early-sync']) ? defined({ earlySync: c.earlySync }) : {}),
    ...(touched(['--no-zero-rtt']) ? defined({ zeroRtt: c.zeroRtt }) : {}),
  };
}

/** The capabilities (and, when the args touch them, the heartbeat and backoff settings and the hand-back grace) `squall worker --id ID ARGS` builds (its own options and workerConfig). */
export function workerArgsConfig(id: string, args: readonly string[]): Pick<WorkerConfig, 'concurrency' | 'allowKinds' | 'heartbeatMs' | 'heartbeatTimeoutMs' | 'adaptiveHeartbeat' | 'heartbeatTimeoutMaxMs' | 'rttFactor' | 'backoff' | 'handBackGraceMs' | 'zeroRtt'> {
  const cmd = addWorkerOptions(new Command('worker').exitOverride());
  cmd.parse(['--coordinator', 'ws://coordinator:7000', '--id', id, ...args], { from: 'user' });
  const c = workerConfig(cmd.opts<WorkerFlags>(), undefined, undefined);
  const touched = (flags: readonly string[]): boolean => args.some((a) => flags.includes(a));
  const heartbeat = touched(WORKER_HEARTBEAT_FLAGS) ? heartbeatConfig(c) : {};
  const backoff = touched(WORKER_BACKOFF_FLAGS) && c.backoff !== undefined ? { backoff: c.backoff } : {};
  const grace = touched(['--hand-back-grace-ms']) ? defined({ handBackGraceMs: c.handBackGraceMs }) : {};
  const zeroRtt = touched(['--no-zero-rtt']) ? defined({ zeroRtt: c.zeroRtt }) : {};
  return { concurrency: c.concurrency, ...(c.allowKinds === undefined ? {} : { allowKinds: c.allowKinds }), ...heartbeat, ...backoff, ...grace, ...zeroRtt };
}

/** The coordinator URL `squall worker --coordinator URL --id ID ARGS` hands its WorkerConfig (the command's own parse and workerConfig). */
function workerArgsUrl(id: string, url: string, args: readonly string[]): string {
  const cmd = addWorkerOptions(new Command('worker').exitOverride());
  cmd.parse(['--coordinator', url, '--id', id, ...args], { from: 'user' });
  return workerConfig(cmd.opts<WorkerFlags>(), undefined, undefined).coordinatorUrl;
}

/** The URL fleet worker `id` (index i) dials: fleet.coordinatorUrls' (cycled), through `squall worker --coordinator`'s own parse when the fleet is started with flags. */
export function fleetCoordinatorUrl(f: { coordinatorUrls?: readonly string[] | undefined; args?: readonly string[] | undefined }, id: string, i: number): { coordinatorUrl?: string } {
  const url = f.coordinatorUrls?.[i % f.coordinatorUrls.length];
  if (url === undefined) return {};
  return { coordinatorUrl: f.args === undefined ? url : workerArgsUrl(id, url, f.args) };
}

/** A command's heartbeat settings (the family's fields of its config). */
function heartbeatConfig(c: Pick<CoordinatorConfig, 'heartbeatMs' | 'heartbeatTimeoutMs' | 'adaptiveHeartbeat' | 'heartbeatTimeoutMaxMs' | 'rttFactor'>): Pick<CoordinatorConfig, 'heartbeatMs' | 'heartbeatTimeoutMs' | 'adaptiveHeartbeat' | 'heartbeatTimeoutMaxMs' | 'rttFactor'> {
  return defined({ heartbeatMs: c.heartbeatMs, heartbeatTimeoutMs: c.heartbeatTimeoutMs, adaptiveHeartbeat: c.adaptiveHeartbeat, heartbeatTimeoutMaxMs: c.heartbeatTimeoutMaxMs, rttFactor: c.rttFactor });
}

/** An --rtt-factor is a finite number above 0 (or not given). */
const positiveFactor = (k: number | undefined): boolean => k === undefined || (Number.isFinite(k) && k > 0);

/** `o` without its undefined fields. */
export function defined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
