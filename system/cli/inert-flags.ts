/**
 * Flags that would have no effect are refused, not silently ignored: a flag
 * only meaningful beside another (`--retain-sweep` needs a retention limit),
 * or made moot by another (`--compression-threshold` with
 * `--no-compression`), is named with the flag that decides, as
 * "X has no effect without Y" / "X has no effect with Y" (exit 2, like any
 * bad flag). The class rule: tests/cli/flag-effect.property.test.ts (every
 * flag a command accepts changes what it runs, or is listed there as neutral).
 */
import { envSetting } from './env.js';

/** Whether an option (by its commander key) was on the command line. */
export type Given = (key: string) => boolean;

/** A pairing: `flags` (keys and spellings) have no effect when `moot` holds, because of `why`. */
interface Pairing<F> {
  flags: readonly (readonly [key: string, flag: string])[];
  moot: (f: F, env: NodeJS.ProcessEnv) => boolean;
  /** "without --retain-count or --retain-age", "with --no-compression". */
  why: string | ((f: F) => string);
}

/** The first pairing broken, told as "X has no effect ...". */
function firstInert<F>(pairings: readonly Pairing<F>[], f: F, env: NodeJS.ProcessEnv, given: Given): string | undefined {
  for (const p of pairings) {
    const idle = p.flags.filter(([key]) => given(key));
    if (idle.length > 0 && p.moot(f, env)) return `${idle.map(([, flag]) => flag).join(' and ')} ${idle.length === 1 ? 'has' : 'have'} no effect ${typeof p.why === 'string' ? p.why : p.why(f)}`;
  }
  return undefined;
}

const envSecret = (env: NodeJS.ProcessEnv): boolean => envSetting(env, 'SQUALL_SECRET_FILE') !== undefined || envSetting(env, 'SQUALL_SECRET') !== undefined;

/** What the coordinator pairings read. */
export interface CoordinatorPairFlags {
  secret?: string;
  secretFile?: string;
  store?: string;
  apiAuth: 'token' | 'none';
  signMessages?: boolean;
  compression: boolean;
  breaker: boolean;
  adaptiveHeartbeat: boolean;
  retainCount?: number;
  retainAge?: number;
  heartbeatMs: number;
  heartbeatTimeoutMaxMs?: number;
  leaseMs: number;
}

const adaptiveOnly = [['rttFactor', '--rtt-factor'], ['heartbeatTimeoutMaxMs', '--heartbeat-timeout-max-ms']] as const;
/** With a secret the handshake stays 2-RTT on both sides (the register MAC needs the welcome's nonce): --no-zero-rtt changes nothing. */
const zeroRttMoot = {
  flags: [['zeroRtt', '--no-zero-rtt']] as const,
  moot: (f: { secret?: string; secretFile?: string }, env: NodeJS.ProcessEnv) => f.secretFile !== undefined || (f.secret ?? '') !== '' || envSecret(env),
  why: 'with a secret (the 0-RTT register is used only without one)',
};
const secretFlagMoot = { flags: [['secret', '--secret']] as const, moot: (f: { secretFile?: string }) => f.secretFile !== undefined, why: 'with --secret-file (the file is read, the flag ignored)' };

const COORDINATOR_PAIRINGS: readonly Pairing<CoordinatorPairFlags>[] = [
  { flags: [['retainSweep', '--retain-sweep']], moot: (f) => f.retainCount === undefined && f.retainAge === undefined, why: 'without --retain-count or --retain-age (nothing to prune)' },
  { flags: [['compressionThreshold', '--compression-threshold']], moot: (f) => !f.compression, why: 'with --no-compression' },
  { flags: [['breakerThreshold', '--breaker-threshold'], ['breakerResetMs', '--breaker-reset-ms']], moot: (f) => !f.breaker, why: 'with --no-breaker' },
  { flags: adaptiveOnly, moot: (f) => !f.adaptiveHeartbeat, why: 'with --no-adaptive-heartbeat (the timeout stays at --heartbeat-timeout-ms)' },
  {
    flags: [['heartbeatTimeoutMaxMs', '--heartbeat-timeout-max-ms']],
    moot: (f) => (f.heartbeatTimeoutMaxMs ?? 0) > f.leaseMs - f.heartbeatMs,
    why: (f) => `above --lease-ms less one --heartbeat-ms (${f.leaseMs - f.heartbeatMs}): the timeout never reaches the lease (link-timing.ts); raise --lease-ms or lower it`,
  },
  { flags: [['init', '--init'], ['storeThread', '--no-store-thread']], moot: (f) => f.store === 'memory', why: 'with --store memory (they are about the SQLite file)' },
  { flags: [['bootstrapTokenFile', '--bootstrap-token-file'], ['metricsAuth', '--metrics-auth']], moot: (f) => f.apiAuth === 'none', why: 'with --api-auth none (no token is asked for)' },
  { flags: [['signMessages', '--no-sign-messages']], moot: (f, env) => f.signMessages === false && f.secretFile === undefined && (f.secret ?? '') === '' && !envSecret(env), why: 'without a worker secret (nothing is signed without one)' },
  zeroRttMoot,
  secretFlagMoot,
];

/** Why `squall coordinator` refuses a flag that would do nothing, or undefined. */
export function coordinatorInertFlag(f: CoordinatorPairFlags, given: Given, env: NodeJS.ProcessEnv): string | undefined {
  return firstInert(COORDINATOR_PAIRINGS, f, env, given);
}

/** What the worker pairings read. */
export interface WorkerPairFlags {
  coordinator: string;
  secret?: string;
  secretFile?: string;
  allowKinds?: string[];
  adaptiveHeartbeat: boolean;
  backoff: string;
}

const WORKER_PAIRINGS: readonly Pairing<WorkerPairFlags>[] = [
  { flags: adaptiveOnly, moot: (f) => !f.adaptiveHeartbeat, why: 'with --no-adaptive-heartbeat (the timeout stays fixed)' },
  { flags: [['commandEnvAllow', '--command-env-allow']], moot: (f) => !(f.allowKinds ?? []).includes('command'), why: 'without --allow-kinds command (this worker runs no command task)' },
  { flags: [['tlsCa', '--tls-ca']], moot: (f) => !f.coordinator.startsWith('wss:'), why: 'without a wss:// --coordinator (ws:// has no TLS)' },
  { flags: [['backoffMaxMs', '--backoff-max-ms'], ['backoffMultiplier', '--backoff-multiplier']], moot: (f) => f.backoff === 'none', why: 'with --backoff none (every delay is --backoff-initial-ms)' },
  zeroRttMoot,
  secretFlagMoot,
];

/** Why `squall worker` refuses a flag that would do nothing, or undefined. */
export function workerInertFlag(f: WorkerPairFlags, given: Given, env: NodeJS.ProcessEnv): string | undefined {
  return firstInert(WORKER_PAIRINGS, f, env, given);
}

/** What the submit pairings read. */
export interface SubmitPairFlags {
  kind?: string;
  file?: string;
  graph?: string;
  wait?: boolean;
  tokenFile?: string;
}

const SUBMIT_PAIRINGS: readonly Pairing<SubmitPairFlags>[] = [
  { flags: [['pollMs', '--poll-ms']], moot: (f) => f.wait !== true, why: 'without --wait' },
  { flags: [['kind', '--kind'], ['file', '--file']], moot: (f) => f.graph !== undefined, why: 'with --graph (the graph file is submitted)' },
  { flags: [['kind', '--kind']], moot: (f) => f.file !== undefined, why: 'with --file (the file is submitted)' },
  {
    flags: [['params', '--params'], ['priority', '--priority'], ['timeoutMs', '--timeout-ms'], ['retry', '--retry'], ['idempotencyKey', '--idempotency-key']],
    moot: (f) => f.kind === undefined,
    why: 'without --kind (a --file or --graph spec carries its own fields)',
  },
  { flags: [['token', '--token']], moot: (f) => f.tokenFile !== undefined, why: 'with --token-file (the file is read, the flag ignored)' },
];

/** Why `squall submit` refuses a flag that would do nothing, or undefined. */
export function submitInertFlag(f: SubmitPairFlags, given: Given, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return firstInert(SUBMIT_PAIRINGS, f, env, given);
}
