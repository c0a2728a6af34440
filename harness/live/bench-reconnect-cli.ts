/**
 * `squall bench reconnect` options and its table. Every dimension of the
 * matrix is a flag, so any one cell can be rerun alone, e.g.
 *   squall bench reconnect --fleets 500 --strategies full-jitter --conditions clean \
 *     --initial-ms 100 --max-ms 1000 --outage cut --down-ms 2000 --cuts 5
 * The bare ws handshake floor is measured in the same run and printed beside
 * every row (beyond-backoff p50/p99 and p99 over the floor).
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { choiceOption, intOption, numberOption, refuseConflictingFlags } from '../../system/cli/index.js';
import { BENCH_STRATEGIES, type BenchStrategy, CONDITION_NAMES, type ConditionName, OUTAGE_KINDS, type OutageKind } from './bench-cell.js';
import { type BenchOptions, runReconnectBench } from './bench-reconnect.js';
import { exitOnSignals } from '../proc/index.js';

interface Flags {
  quick?: boolean;
  json?: boolean;
  reportDir?: string;
  report: boolean;
  strategies?: BenchStrategy[];
  conditions?: ConditionName[];
  fleets?: number[];
  initialMs?: number;
  maxMs?: number;
  multiplier?: number;
  outage?: OutageKind;
  downMs?: number;
  cuts?: number;
  tasksPerWorker?: number;
  earlySync: boolean;
  maxPendingHandshakes?: number;
}

/** Integers as every command reads them (README "Operating it from the command line": plain decimal digits; `1e3`, ` 5` or an empty value refused). */
const int = (name: string, min = 0) => intOption(name, min);
const list = <T extends string>(name: string, allowed: readonly T[]) => (v: string): T[] => {
  const items = v.split(',').map((x) => x.trim()).filter((x) => x !== '');
  if (items.length === 0) throw new InvalidArgumentError(`${name} takes at least one of ${allowed.join(', ')}, got "${v}"`);
  for (const x of items) if (!allowed.includes(x as T)) throw new InvalidArgumentError(`${name}: "${x}" is not one of ${allowed.join(', ')}`);
  return items as T[];
};
const ints = (name: string) => (v: string): number[] => v.split(',').map((x) => int(name, 1)(x));

/**
 * What `bench reconnect` refuses before it starts anything (exit 2, as the
 * system's commands): a backoff cap below its initial delay, and a flag that
 * would change nothing, as `squall coordinator` and `squall worker` refuse
 * theirs (system/cli/inert-flags.ts): "X has no effect with/without Y".
 * `given(key)`: on the command line.
 */
function benchFlagConflict(f: Flags, given: (key: string) => boolean): string | undefined {
  const initialMs = f.initialMs ?? 50;
  const maxMs = f.maxMs ?? Math.max(1000, initialMs);
  if ((given('initialMs') || given('maxMs')) && maxMs < initialMs) return `--max-ms (${maxMs}) must be >= --initial-ms (${initialMs})`;
  if (given('reportDir') && !f.report) return '--report-dir has no effect with --no-report (no report is written)';
  const idle = [['maxMs', '--max-ms'], ['multiplier', '--multiplier']].filter(([k]) => given(k as string)).map(([, flag]) => flag);
  if (idle.length > 0 && f.strategies !== undefined && f.strategies.every((s) => s === 'none')) return `${idle.join(' and ')} ${idle.length === 1 ? 'has' : 'have'} no effect with --strategies none (every delay is --initial-ms)`;
  const flapping = (f.conditions ?? []).filter((c) => c === 'flapping');
  if (flapping.length > 0 && f.outage === 'restart') return '--conditions flapping has no effect with --outage restart (the link flaps only while the proxy cuts it: the cell would run clean)';
  return undefined;
}

/** Flags → runReconnectBench options (only what was given; the rest keeps the matrix defaults). */
function benchOptionsFromFlags(f: Flags): BenchOptions {
  const backoff = f.initialMs !== undefined || f.maxMs !== undefined || f.multiplier !== undefined
    ? { initialMs: f.initialMs ?? 50, maxMs: f.maxMs ?? Math.max(1000, f.initialMs ?? 0), multiplier: f.multiplier ?? 2 }
    : undefined;
  const coordinatorArgs = [...(f.earlySync ? [] : ['--no-early-sync']), ...(f.maxPendingHandshakes === undefined ? [] : ['--max-pending-handshakes', String(f.maxPendingHandshakes)])];
  return {
    quick: f.quick === true,
    ...(f.strategies === undefined ? {} : { strategies: f.strategies }),
    ...(f.conditions === undefined ? {} : { conditions: f.conditions }),
    ...(f.fleets === undefined ? {} : { fleets: f.fleets }),
    ...(backoff === undefined ? {} : { backoff }),
    ...(f.outage === undefined ? {} : { outage: f.outage }),
    ...(f.downMs === undefined ? {} : { downMs: f.downMs }),
    ...(f.cuts === undefined ? {} : { cuts: f.cuts }),
    ...(f.tasksPerWorker === undefined ? {} : { tasksPerWorker: f.tasksPerWorker }),
    coordinatorArgs,
  };
}

type Row = { condition: string; strategy: string; fleetSize: number; p50: number; p99: number; max: number; beyondBackoffP50: number; beyondBackoffP99: number; failedHandshakes: number; loopLagP99: number; cpuPercent: number; lost: number; duplicated: number };

/** The table: each row's figures beside the floor measured in the same run. */
function printTable(json: Record<string, unknown>): void {
  const w = (l: string): void => void process.stdout.write(`${l}\n`);
  const floor = json.floor as { direct: { p50: number; p99: number }; proxied: { p50: number; p99: number } } | null;
  const f = (x: number, n = 8): string => x.toFixed(2).padStart(n);
  w(`outage ${String(json.outage)}, down ${String(json.downMs)} ms, ${String(json.cuts)} cuts, backoff ${JSON.stringify(json.backoff)}`);
  if (floor !== null) w(`floor (bare ws connect+handshake): direct p50 ${floor.direct.p50.toFixed(3)} / p99 ${floor.direct.p99.toFixed(3)} ms; via proxy p50 ${floor.proxied.p50.toFixed(3)} / p99 ${floor.proxied.p99.toFixed(3)} ms`);
  w('condition            strategy             fleet heal->all  heal p99 beyond50 beyond99 floor99  over99 failed  lag99   cpu% lost dup');
  const floor99 = floor?.proxied.p99 ?? 0;
  for (const r of json.rows as Row[]) {
    w(`${r.condition.padEnd(20)} ${r.strategy.padEnd(20)} ${String(r.fleetSize).padStart(5)} ${f(r.max, 9)} ${f(r.p99, 9)} ${f(r.beyondBackoffP50)} ${f(r.beyondBackoffP99)} ${f(floor99, 7)} ${f(r.beyondBackoffP99 - floor99, 7)} ${String(r.failedHandshakes).padStart(6)} ${r.loopLagP99.toFixed(1).padStart(6)} ${r.cpuPercent.toFixed(1).padStart(6)} ${String(r.lost).padStart(4)} ${String(r.duplicated).padStart(3)}`);
  }
  for (const t of json.targets as { name: string; measured: string | null; met: boolean | null }[]) {
    w(`target ${t.met === null ? 'not measured' : t.met ? 'met' : 'MISSED'}: ${t.name}${t.measured === null ? '' : ` (${t.measured})`}`);
  }
  if (json.report !== null) w(`report: ${String(json.report)}/index.html`);
}

/** Registers `bench reconnect` under `bench`. */
export function registerBenchReconnect(bench: Command): void {
  benchReconnectCommand(bench.command('reconnect'), async (flags) => {
    exitOnSignals();
    const log = (l: string): void => void process.stderr.write(`${l}\n`);
    const { json } = await runReconnectBench({ ...benchOptionsFromFlags(flags), reportDir: flags.report ? (flags.reportDir ?? 'reports') : null, log });
    if (flags.json === true) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    else printTable(json);
  });
}

/** Every flag of `bench reconnect` (numbers read strictly, as every command's), what it refuses before `action` runs (benchFlagConflict), and the action. */
export function benchReconnectCommand(cmd: Command, action: (flags: Flags) => void | Promise<void>): Command {
  const withOptions = cmd
    .description('reconnection time per network condition x backoff strategy x fleet size, beside the bare ws handshake floor')
    .option('--quick', 'a subset that finishes in about a minute')
    .option('--strategies <list>', `backoff strategies: ${BENCH_STRATEGIES.join(',')}`, list('--strategies', BENCH_STRATEGIES))
    .option('--conditions <list>', `link conditions: ${CONDITION_NAMES.join(',')}`, list('--conditions', CONDITION_NAMES))
    .option('--fleets <list>', 'fleet sizes, e.g. 1,50,500', ints('--fleets'))
    .option('--initial-ms <ms>', 'backoff initial delay (default 50)', int('--initial-ms'))
    .option('--max-ms <ms>', 'backoff cap (default 1000)', int('--max-ms'))
    .option('--multiplier <x>', 'backoff growth per attempt (default 2)', numberOption('--multiplier', 1))
    .option('--outage <kind>', `what takes the workers down: ${OUTAGE_KINDS.join(' | ')} (default cut)`, choiceOption('--outage', OUTAGE_KINDS))
    .option('--down-ms <ms>', 'how long each outage lasts', int('--down-ms'))
    .option('--cuts <n>', 'outages per cell', int('--cuts', 1))
    .option('--tasks-per-worker <n>', 'tasks put in flight across the outages (default 1)', int('--tasks-per-worker'))
    .option('--no-early-sync', 'coordinator without the early sync (the old two-round-trip reconnect), for comparison')
    .option('--max-pending-handshakes <n>', "coordinator's admission limit (default 256)", int('--max-pending-handshakes', 1))
    .option('--json', 'print the figures as JSON on stdout')
    .option('--report-dir <dir>', 'parent directory of reports', 'reports')
    .option('--no-report', 'write no report');
  return refuseConflictingFlags<Flags>(withOptions, benchFlagConflict).action(action);
}
