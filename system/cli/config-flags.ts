/**
 * One source of truth for the start-up checks: `squall coordinator` and
 * `squall worker` run the processes' own config resolvers
 * (coordinator/config.ts + engine/config.ts via checkCoordinatorConfig,
 * worker/config.ts + worker/backoff.ts via workerConfigWithDefaults) on the
 * config their flags build, as they parse. A refusal is told in flags: each
 * config field the resolver names is mapped to the flag that sets it (and a
 * field left at a default derived from another flag names that flag too).
 */
import { ErrorCode, SquallError } from '../core/errors.js';

/** A config field's flag, and the flags its default is derived from when the flag is not given. */
export interface FieldFlag {
  flag: string;
  /** The option key of `flag` in commander's opts (to tell whether it was given). */
  key: string;
  /** The field's default, when the message should say it was left there, and the flags it follows (the coordinator's timeout: 3x --heartbeat-ms). */
  defaultFrom?: { flags: string[]; note: string };
}

/** Config field (dotted path, as resolvers name it) → flag, for `squall coordinator`. */
export const COORDINATOR_FIELD_FLAGS: Readonly<Record<string, FieldFlag>> = {
  host: { flag: '--host', key: 'host' },
  port: { flag: '--port', key: 'port' },
  heartbeatMs: { flag: '--heartbeat-ms', key: 'heartbeatMs' },
  heartbeatTimeoutMs: { flag: '--heartbeat-timeout-ms', key: 'heartbeatTimeoutMs', defaultFrom: { flags: ['--heartbeat-ms'], note: '3x --heartbeat-ms' } },
  heartbeatTimeoutMaxMs: { flag: '--heartbeat-timeout-max-ms', key: 'heartbeatTimeoutMaxMs' },
  rttFactor: { flag: '--rtt-factor', key: 'rttFactor' },
  maxPendingHandshakes: { flag: '--max-pending-handshakes', key: 'maxPendingHandshakes' },
  zeroRtt: { flag: '--no-zero-rtt', key: 'zeroRtt' },
  leaseMs: { flag: '--lease-ms', key: 'leaseMs' },
  leaseSweepMs: { flag: '--lease-ms', key: 'leaseMs' },
  'compression.thresholdBytes': { flag: '--compression-threshold', key: 'compressionThreshold' },
  maxPendingPerClient: { flag: '--max-pending-per-client', key: 'maxPendingPerClient' },
  signMessages: { flag: '--sign-messages', key: 'signMessages' },
  maxConcurrentExecutions: { flag: '--max-concurrent', key: 'maxConcurrent' },
  maxPending: { flag: '--max-pending', key: 'maxPending' },
  'breaker.failureThreshold': { flag: '--breaker-threshold', key: 'breakerThreshold' },
  'breaker.resetTimeoutMs': { flag: '--breaker-reset-ms', key: 'breakerResetMs' },
  'retention.maxCount': { flag: '--retain-count', key: 'retainCount' },
  'retention.maxAgeMs': { flag: '--retain-age', key: 'retainAge' },
  'retention.sweepMs': { flag: '--retain-sweep', key: 'retainSweep' },
};

/** Config field → flag, for `squall worker`. */
export const WORKER_FIELD_FLAGS: Readonly<Record<string, FieldFlag>> = {
  id: { flag: '--id', key: 'id' },
  coordinatorUrl: { flag: '--coordinator', key: 'coordinator' },
  concurrency: { flag: '--concurrency', key: 'concurrency' },
  heartbeatMs: { flag: '--heartbeat-ms', key: 'heartbeatMs' },
  heartbeatTimeoutMs: { flag: '--heartbeat-timeout-ms', key: 'heartbeatTimeoutMs' },
  heartbeatTimeoutMaxMs: { flag: '--heartbeat-timeout-max-ms', key: 'heartbeatTimeoutMaxMs' },
  rttFactor: { flag: '--rtt-factor', key: 'rttFactor' },
  handBackGraceMs: { flag: '--hand-back-grace-ms', key: 'handBackGraceMs' },
  drainTimeoutMs: { flag: '--drain-timeout-ms', key: 'drainTimeoutMs' },
  zeroRtt: { flag: '--no-zero-rtt', key: 'zeroRtt' },
  'backoff.strategy': { flag: '--backoff', key: 'backoff' },
  'backoff.initialMs': { flag: '--backoff-initial-ms', key: 'backoffInitialMs' },
  'backoff.maxMs': { flag: '--backoff-max-ms', key: 'backoffMaxMs', defaultFrom: { flags: [], note: '10000' } },
  'backoff.multiplier': { flag: '--backoff-multiplier', key: 'backoffMultiplier' },
  allowKinds: { flag: '--allow-kinds', key: 'allowKinds' },
  secret: { flag: '--secret-file', key: 'secretFile' },
};

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The resolver's message with every field it names spelled as its flag ("backoff.maxMs" and a unique bare "maxMs" alike). */
function inFlags(message: string, table: Readonly<Record<string, FieldFlag>>): string {
  const names = new Map<string, string>();
  const lastSegments = new Map<string, number>();
  for (const field of Object.keys(table)) {
    const last = field.split('.').pop() ?? field;
    lastSegments.set(last, (lastSegments.get(last) ?? 0) + 1);
  }
  for (const [field, f] of Object.entries(table)) {
    names.set(field, f.flag);
    const last = field.split('.').pop() ?? field;
    if (last !== field && lastSegments.get(last) === 1 && !(last in table)) names.set(last, f.flag);
  }
  let out = message.replace(/\bEngineConfig\./g, '').replace(/\bcoordinator option /g, '');
  for (const name of [...names.keys()].sort((a, b) => b.length - a.length)) {
    out = out.replace(new RegExp(`(?<![\\w.-])${escape(name)}(?![\\w])`, 'g'), names.get(name) ?? name);
  }
  return out;
}

/** "(X not given: its default is ...)" for each flag the message names that was left at a default worth saying. */
function defaultNotes(text: string, table: Readonly<Record<string, FieldFlag>>, given: (key: string) => boolean): string {
  const notes = new Map<string, string>();
  for (const f of Object.values(table)) {
    if (f.defaultFrom === undefined || given(f.key) || !new RegExp(`${escape(f.flag)}(?![\\w-])`).test(text)) continue;
    const change = f.defaultFrom.flags.length === 0 ? '' : ` or change ${f.defaultFrom.flags.join(', ')}`;
    notes.set(f.flag, `${f.flag} not given: its default is ${f.defaultFrom.note}; give ${f.flag}${change}`);
  }
  return notes.size === 0 ? text : `${text} (${[...notes.values()].join('; ')})`;
}

/**
 * Runs `resolve` (a process's own config resolver over the config the flags
 * build) and, when it refuses, says why in flags: every field named is
 * spelled as its flag, the refused field's flag leads when the message does
 * not name it, and a flag left at its default says so (and which flags that
 * default follows). `given(key)`: whether the option was on the command line.
 * Errors other than InvalidArgument pass through.
 */
export function resolverConflict(resolve: () => unknown, table: Readonly<Record<string, FieldFlag>>, given: (key: string) => boolean): string | undefined {
  try {
    resolve();
    return undefined;
  } catch (err) {
    if (!(err instanceof SquallError) || err.code !== ErrorCode.InvalidArgument) throw err;
    const field = err.path === undefined ? undefined : table[err.path];
    const text = inFlags(err.message, table);
    return defaultNotes(field === undefined || text.includes(field.flag) ? text : `${field.flag}: ${text}`, table, given);
  }
}
