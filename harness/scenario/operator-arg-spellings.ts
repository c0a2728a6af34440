/**
 * The spellings of a scenario's value flags (operator-args.ts): each value
 * flag the args give, and the value the commands' own builders put in its
 * config, a duration spelled every documented way (promise 8,
 * harness/check/promises-flag-spellings.ts).
 */
import type { FlagSpelling } from '../check/promises-flag-spellings.js';
import { coordinatorArgsConfig, durationMs, UNIT_MS, workerArgsConfig } from './operator-args.js';

/** The duration flags of `squall coordinator` (their values: 500ms, 30s, 15m, 12h, 7d or plain milliseconds). */
const DURATION_FLAGS: readonly string[] = ['--retain-age', '--retain-sweep'];

/** Where each value flag lands in the config the commands' builders make (coordinatorArgsConfig, workerArgsConfig). */
const CONFIG_PATHS: Readonly<Record<'coordinator' | 'worker', Readonly<Record<string, string>>>> = {
  coordinator: {
    '--retain-count': 'engine.retention.maxCount', '--retain-age': 'engine.retention.maxAgeMs', '--retain-sweep': 'engine.retention.sweepMs',
    '--max-pending': 'engine.maxPending', '--max-concurrent': 'engine.maxConcurrentExecutions', '--max-pending-per-client': 'maxPendingPerClient', '--max-pending-handshakes': 'maxPendingHandshakes',
    '--heartbeat-ms': 'heartbeatMs', '--heartbeat-timeout-ms': 'heartbeatTimeoutMs', '--heartbeat-timeout-max-ms': 'heartbeatTimeoutMaxMs', '--rtt-factor': 'rttFactor', '--lease-ms': 'leaseMs',
    '--breaker-threshold': 'engine.breaker.failureThreshold', '--breaker-reset-ms': 'engine.breaker.resetTimeoutMs',
  },
  worker: {
    '--concurrency': 'concurrency', '--heartbeat-ms': 'heartbeatMs', '--heartbeat-timeout-ms': 'heartbeatTimeoutMs', '--heartbeat-timeout-max-ms': 'heartbeatTimeoutMaxMs', '--rtt-factor': 'rttFactor',
    '--backoff-initial-ms': 'backoff.initialMs', '--backoff-max-ms': 'backoff.maxMs', '--backoff-multiplier': 'backoff.multiplier', '--hand-back-grace-ms': 'handBackGraceMs',
  },
};

/** The value at a dotted path of a config, if a number. */
function at(config: unknown, path: string): number | null {
  const v = path.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), config);
  return typeof v === 'number' ? v : null;
}

/**
 * Each value flag `args` give to `squall coordinator` or `squall worker`, and
 * the value the command's own builders (coordinatorArgsConfig,
 * workerArgsConfig) put in its config; a duration flag spelled every
 * documented way of the same duration (plain ms, `Nms`, each larger unit
 * dividing it): what a checker compares with its own reading of each
 * spelling (promises-flag-spellings.ts; blind set 19 #01: a plain number
 * read as seconds).
 */
export function flagSpellings(command: 'coordinator' | 'worker', args: readonly string[]): FlagSpelling[] {
  const out: FlagSpelling[] = [];
  const build = (a: readonly string[]): unknown => (command === 'coordinator' ? coordinatorArgsConfig(a) : workerArgsConfig('w-probe', a));
  // A sweep period alone is no policy (README, Retention): nothing to compare.
  const policy = args.includes('--retain-age') || args.includes('--retain-count');
  for (const [i, flag] of args.entries()) {
    const path = CONFIG_PATHS[command][flag];
    const value = args[i + 1];
    if (path === undefined || value === undefined || (flag === '--retain-sweep' && !policy)) continue;
    const ms = DURATION_FLAGS.includes(flag) ? durationMs(value) : NaN;
    const units = Object.entries(UNIT_MS).filter(([u, n]) => u !== 'ms' && ms % n === 0).map(([u, n]) => `${ms / n}${u}`);
    for (const spelling of ms > 0 ? [String(ms), `${ms}ms`, ...units] : [value]) {
      let config: number | null;
      try {
        config = at(build(args.map((a, j) => (j === i + 1 ? spelling : a))), path);
      } catch {
        config = null;
      }
      out.push({ command, flag, spelling, config });
    }
  }
  return out;
}
