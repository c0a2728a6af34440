/**
 * What the documentation refuses of a scenario's `squall coordinator` /
 * `squall worker` flags (coordinator.args, fleet.args, a restart's args),
 * read from README ("Operating it from the command line": the numeric
 * grammar; "Flag combinations"; "Flags with no effect are refused") and
 * `--help` (each flag's range), in the harness's own copy: the scenario
 * loader refuses these, and only these. A command line the documentation
 * accepts but the running system refuses is no load error: the run fails
 * promise 8 (command-accepts.ts, config-refused.ts), so a system defect in
 * the commands' parsers is judged by the suite, not stopping it (session 35).
 * tests: documented-flags.test.ts holds the table to the real commands on
 * every scenario's command line and on each documented refusal.
 */

/** A day in ms: the longest duration a coordinator takes (README "Flag combinations": a default timeout longer than a day). */
const DAY_MS = 86_400_000;

type Grammar = 'int' | 'decimal' | 'duration';
/** A value flag's documented grammar and range (`--help`). */
interface Bound {
  grammar: Grammar;
  min: number;
  max?: number;
}

const COORDINATOR_BOUNDS: Readonly<Record<string, Bound>> = {
  '--heartbeat-ms': { grammar: 'int', min: 10, max: DAY_MS },
  '--heartbeat-timeout-ms': { grammar: 'int', min: 10, max: DAY_MS },
  '--heartbeat-timeout-max-ms': { grammar: 'int', min: 10, max: DAY_MS },
  '--rtt-factor': { grammar: 'decimal', min: 1, max: 100 },
  '--lease-ms': { grammar: 'int', min: 100, max: DAY_MS },
  '--max-pending-handshakes': { grammar: 'int', min: 1 },
  '--max-concurrent': { grammar: 'int', min: 1 },
  '--max-pending': { grammar: 'int', min: 1 },
  '--max-pending-per-client': { grammar: 'int', min: 1 },
  '--breaker-threshold': { grammar: 'int', min: 1 },
  '--breaker-reset-ms': { grammar: 'int', min: 1 },
  '--retain-count': { grammar: 'int', min: 1 },
  '--retain-age': { grammar: 'duration', min: 1 },
  '--retain-sweep': { grammar: 'duration', min: 1 },
};

const WORKER_BOUNDS: Readonly<Record<string, Bound>> = {
  '--concurrency': { grammar: 'int', min: 1, max: 10_000 },
  '--heartbeat-ms': { grammar: 'int', min: 10 },
  '--heartbeat-timeout-ms': { grammar: 'int', min: 10 },
  '--heartbeat-timeout-max-ms': { grammar: 'int', min: 10 },
  '--rtt-factor': { grammar: 'decimal', min: 1, max: 100 },
  '--backoff-initial-ms': { grammar: 'int', min: 0 },
  '--backoff-max-ms': { grammar: 'int', min: 0 },
  '--backoff-multiplier': { grammar: 'decimal', min: 1 },
  '--hand-back-grace-ms': { grammar: 'int', min: 0 },
};

const GRAMMAR: Readonly<Record<Grammar, RegExp>> = { int: /^[0-9]+$/, decimal: /^[0-9]+(\.[0-9]+)?$/, duration: /^[0-9]+(ms|s|m|h|d)?$/ };
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS };

/** A value as its grammar reads it (a duration in ms), NaN when it does not parse. */
function read(bound: Bound, v: string): number {
  const m = GRAMMAR[bound.grammar].exec(v);
  if (m === null) return NaN;
  return bound.grammar === 'duration' ? Number(m[0].replace(/[a-z]+$/, '')) * (UNIT_MS[m[1] ?? 'ms'] as number) : Number(v);
}

/** Flag → value (booleans: 'true'); the loader's operator-args.ts has refused unknown flags and missing values already. */
function pairs(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const flag = args[i] as string;
    const value = args[i + 1];
    if (flag.startsWith('--no-') || value === undefined || value.startsWith('--')) out.set(flag, 'true');
    else out.set(flag, args[++i] as string);
  }
  return out;
}

/** The first value outside its documented grammar or range, or undefined; `nums` gets every value read. */
function boundsProblem(p: Map<string, string>, bounds: Readonly<Record<string, Bound>>, nums: Map<string, number>): string | undefined {
  for (const [flag, v] of p) {
    const b = bounds[flag];
    if (b === undefined) continue;
    const n = read(b, v);
    const range = b.max === undefined ? `at least ${b.min}` : `between ${b.min} and ${b.max}`;
    if (Number.isNaN(n)) return `${flag} takes ${b.grammar === 'int' ? 'plain decimal digits' : b.grammar === 'decimal' ? 'a decimal number' : 'digits and one optional unit (ms, s, m, h, d)'}, got "${v}"`;
    if (!Number.isSafeInteger(Math.ceil(n)) || n < b.min || (b.max !== undefined && n > b.max)) return `${flag} must be ${range}, got "${v}"`;
    nums.set(flag, n);
  }
  return undefined;
}

/** "X has no effect with/without Y" for the documented pairings among `flags`, or undefined. */
function inert(p: Map<string, string>, flags: readonly string[], moot: boolean, why: string): string | undefined {
  const idle = flags.filter((f) => p.has(f));
  return idle.length > 0 && moot ? `${idle.join(' and ')} ${idle.length === 1 ? 'has' : 'have'} no effect ${why}` : undefined;
}

/** Why the documentation refuses `squall coordinator ARGS`, or undefined. */
export function documentedCoordinatorRefusal(args: readonly string[]): string | undefined {
  const p = pairs(args);
  const n = new Map<string, number>();
  const bad = boundsProblem(p, COORDINATOR_BOUNDS, n);
  if (bad !== undefined) return bad;
  const hb = n.get('--heartbeat-ms') ?? 1000;
  const timeout = n.get('--heartbeat-timeout-ms') ?? hb * 3;
  const lease = n.get('--lease-ms') ?? 15_000;
  const max = n.get('--heartbeat-timeout-max-ms');
  const adaptive = !p.has('--no-adaptive-heartbeat');
  return (
    inert(p, ['--retain-sweep'], !p.has('--retain-count') && !p.has('--retain-age'), 'without --retain-count or --retain-age') ??
    inert(p, ['--breaker-threshold', '--breaker-reset-ms'], p.has('--no-breaker'), 'with --no-breaker') ??
    inert(p, ['--rtt-factor', '--heartbeat-timeout-max-ms'], !adaptive, 'with --no-adaptive-heartbeat') ??
    inert(p, ['--heartbeat-timeout-max-ms'], (max ?? 0) > lease - hb, `above --lease-ms less one --heartbeat-ms (${lease - hb})`) ??
    (timeout <= hb ? `the heartbeat timeout (${timeout}) must be greater than --heartbeat-ms (${hb})` : undefined) ??
    (timeout > DAY_MS ? `the heartbeat timeout (3x --heartbeat-ms: ${timeout}) is longer than a day` : undefined) ??
    (max !== undefined && max < timeout ? `--heartbeat-timeout-max-ms (${max}) is below the heartbeat timeout in force (${timeout})` : undefined)
  );
}

/** Why the documentation refuses `squall worker ARGS` (beside its coordinator URL and id), or undefined. */
export function documentedWorkerRefusal(args: readonly string[]): string | undefined {
  const p = pairs(args);
  const n = new Map<string, number>();
  const bad = boundsProblem(p, WORKER_BOUNDS, n);
  if (bad !== undefined) return bad;
  const hb = n.get('--heartbeat-ms') ?? 1000;
  const timeout = n.get('--heartbeat-timeout-ms');
  const max = n.get('--heartbeat-timeout-max-ms');
  const [initial, cap] = [n.get('--backoff-initial-ms') ?? 100, n.get('--backoff-max-ms') ?? 10_000];
  return (
    inert(p, ['--rtt-factor', '--heartbeat-timeout-max-ms'], p.has('--no-adaptive-heartbeat'), 'with --no-adaptive-heartbeat') ??
    inert(p, ['--backoff-max-ms', '--backoff-multiplier'], p.get('--backoff') === 'none', 'with --backoff none') ??
    (timeout !== undefined && timeout <= hb ? `--heartbeat-timeout-ms (${timeout}) must be greater than --heartbeat-ms (${hb})` : undefined) ??
    (timeout !== undefined && max !== undefined && max < timeout ? `--heartbeat-timeout-max-ms (${max}) is below --heartbeat-timeout-ms (${timeout})` : undefined) ??
    (cap < initial ? `--backoff-max-ms (${cap}) is below --backoff-initial-ms (${initial})` : undefined)
  );
}
