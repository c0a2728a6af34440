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

import { Register } from '../../system/protocol/index.js';

/** A day in ms: the longest duration a coordinator takes (README "Flag combinations": a default timeout longer than a day). */
const DAY_MS = 86_400_000;

/** `text`: any characters, the bounds its length. */
type Grammar = 'int' | 'decimal' | 'duration' | 'text';
/** A value flag's documented grammar and range (`--help`). */
export interface Bound {
  grammar: Grammar;
  min: number;
  max?: number;
}

export const COORDINATOR_BOUNDS: Readonly<Record<string, Bound>> = {
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

/** A bound the protocol schema sets (the register message: system/protocol/messages.ts), read from it, never typed here. */
function schemaBound(n: number | null, what: string): number {
  if (n === null) throw new Error(`the protocol schema gives ${what} no bound`);
  return n;
}
const REGISTER = Register.shape;

/**
 * Worker flags whose value the worker puts in a protocol field: the
 * register's workerId and capabilities.concurrency. A value the protocol
 * refuses is refused at every registration (close 4400): the worker must
 * refuse it at start instead (blind set 22 #12: ids of 201-256 characters).
 */
export const WORKER_PROTOCOL_BOUNDS: Readonly<Record<string, Bound & { field: string }>> = {
  '--id': { grammar: 'text', min: schemaBound(REGISTER.workerId.minLength, 'workerId'), max: schemaBound(REGISTER.workerId.maxLength, 'workerId'), field: 'register.workerId' },
  '--concurrency': { grammar: 'int', min: 1, max: schemaBound(REGISTER.capabilities.shape.concurrency.maxValue, 'concurrency'), field: 'register.capabilities.concurrency' },
};

export const WORKER_BOUNDS: Readonly<Record<string, Bound>> = {
  '--concurrency': WORKER_PROTOCOL_BOUNDS['--concurrency'] as Bound,
  '--heartbeat-ms': { grammar: 'int', min: 10 },
  '--heartbeat-timeout-ms': { grammar: 'int', min: 10 },
  '--heartbeat-timeout-max-ms': { grammar: 'int', min: 10 },
  '--rtt-factor': { grammar: 'decimal', min: 1, max: 100 },
  '--backoff-initial-ms': { grammar: 'int', min: 0 },
  '--backoff-max-ms': { grammar: 'int', min: 0 },
  '--backoff-multiplier': { grammar: 'decimal', min: 1 },
  '--hand-back-grace-ms': { grammar: 'int', min: 0 },
};

/**
 * The documented relations between two flags (README "Flag combinations"),
 * each probed at its boundary: `moved` given `at` beside `fixed` is the
 * last value accepted, `past` the first refused (one step over). The
 * deployment probes give both to the commands (deploy-probe-bounds.ts);
 * documented-flags.test.ts holds this table to the refusals above.
 */
export interface Relation {
  command: 'coordinator' | 'worker';
  fixed: readonly string[];
  moved: string;
  at: string;
  past: string;
  /** Flags a refusal may name beside `moved` and `fixed`'s (the one whose default the relation binds). */
  names?: readonly string[];
}

const third = String(DAY_MS / 3);
export const RELATIONS: readonly Relation[] = [
  // heartbeat timeout > heartbeat interval (blind set 22 #02 accepted them equal)
  { command: 'coordinator', fixed: ['--heartbeat-ms', '2000'], moved: '--heartbeat-timeout-ms', at: '2001', past: '2000' },
  { command: 'coordinator', fixed: ['--heartbeat-timeout-ms', '2001'], moved: '--heartbeat-ms', at: '2000', past: '2001' },
  { command: 'worker', fixed: ['--heartbeat-ms', '2000'], moved: '--heartbeat-timeout-ms', at: '2001', past: '2000' },
  { command: 'worker', fixed: ['--heartbeat-timeout-ms', '2001'], moved: '--heartbeat-ms', at: '2000', past: '2001' },
  // the adaptive ceiling >= the timeout; the coordinator's <= its lease less one heartbeat
  { command: 'coordinator', fixed: ['--heartbeat-timeout-ms', '5000'], moved: '--heartbeat-timeout-max-ms', at: '5000', past: '4999' },
  { command: 'coordinator', fixed: ['--lease-ms', '20000', '--heartbeat-ms', '1000'], moved: '--heartbeat-timeout-max-ms', at: '19000', past: '19001' },
  { command: 'worker', fixed: ['--heartbeat-timeout-ms', '5000'], moved: '--heartbeat-timeout-max-ms', at: '5000', past: '4999' },
  // the coordinator's default timeout (3x --heartbeat-ms) at most a day
  { command: 'coordinator', fixed: [], moved: '--heartbeat-ms', at: third, past: String(DAY_MS / 3 + 1), names: ['--heartbeat-timeout-ms'] },
  // the worker's backoff cap >= its first delay
  { command: 'worker', fixed: ['--backoff-initial-ms', '500'], moved: '--backoff-max-ms', at: '500', past: '499' },
  { command: 'worker', fixed: ['--backoff-max-ms', '500'], moved: '--backoff-initial-ms', at: '500', past: '501' },
];

const GRAMMAR: Readonly<Record<Exclude<Grammar, 'text'>, RegExp>> = { int: /^[0-9]+$/, decimal: /^[0-9]+(\.[0-9]+)?$/, duration: /^[0-9]+(ms|s|m|h|d)?$/ };
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS };

/** A value as its grammar reads it (a duration in ms), NaN when it does not parse. */
function read(bound: Bound, v: string): number {
  if (bound.grammar === 'text') return v.length;
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
  const bad = boundsProblem(p, { ...WORKER_BOUNDS, ...WORKER_PROTOCOL_BOUNDS }, n);
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
