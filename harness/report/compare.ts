/**
 * `squall report compare BASE NEW`: compares a run against a baseline (e.g.
 * one committed under reports/baselines/) and flags regressions.
 *
 * A row is a regression when:
 *   - reconnect p95 or p99, event-loop lag p99, or a benchmark row's p99 or
 *     beyond-backoff p99 grew by more than `tolerancePct` percent AND by more
 *     than `minAbsMs` milliseconds (so sub-millisecond noise on tiny numbers
 *     does not fail a build);
 *   - the new run has a violation the base did not have (same promise, name, message);
 *   - the new run lost or duplicated any completion (whatever the base did);
 *   - an SLO that passed in the base (or that the base did not have) fails now;
 *   - the base passed and the new run did not;
 *   - a dispatch benchmark's throughput (tasks/s, or its ratio to the peer
 *     system) fell by more than `tolerancePct` percent, or its paced p99 grew
 *     as a latency above.
 * Other figures (p50, max, CPU, floor) are shown for context, never flagged.
 *
 * Exit codes for the CLI (see compareCommand): 0 no regression, 1 at least
 * one regression, 2 an input could not be read or is not a RunResult.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, SquallError } from '../../system/core/index.js';
import { fmtNum } from './format.js';
import type { RunResult, Violation } from './model.js';
import { parseRunResult } from './model.js';

/** One compared figure. `deltaPct` is null when the base is 0 and the new value is not. */
export interface ComparisonRow {
  metric: string;
  base: number | string | null;
  new: number | string | null;
  deltaPct: number | null;
  regression: boolean;
  /** Why the row is a regression (empty when it is not). */
  reason?: string;
}

export interface Comparison {
  rows: ComparisonRow[];
  /** True when any row is a regression: the CLI exits 1. */
  regressed: boolean;
  /** What makes the two runs unlike (live vs simulation, another scenario or seed): printed above the table. */
  warnings: string[];
}

export interface CompareOptions {
  /** Growth in percent above which a watched latency is a regression; default 10. */
  tolerancePct?: number;
  /** Absolute growth in ms a watched latency must also exceed; default 1. */
  minAbsMs?: number;
}

/** Exit codes of `squall report compare`. */
export const CompareExit = { Ok: 0, Regression: 1, BadInput: 2 } as const;
export type CompareExit = (typeof CompareExit)[keyof typeof CompareExit];

function deltaPct(base: number | undefined, next: number | undefined): number | null {
  if (base === undefined || next === undefined) return null;
  if (base === 0) return next === 0 ? 0 : null;
  return ((next - base) / base) * 100;
}

const violationKey = (v: Violation): string => JSON.stringify([String(v.promise), v.name, v.message]);

/** The regression thresholds of one comparison. */
interface Limits {
  tolerancePct: number;
  minAbsMs: number;
}

/** Compares two validated results; see the file comment for what counts as a regression. */
export function compareResults(base: RunResult, next: RunResult, options: CompareOptions = {}): Comparison {
  const tolerancePct = options.tolerancePct ?? 10;
  const minAbsMs = options.minAbsMs ?? 1;
  if (!(tolerancePct >= 0)) throw new InvalidArgumentError(`tolerancePct must be >= 0, got ${tolerancePct}`, 'tolerancePct');
  if (!(minAbsMs >= 0)) throw new InvalidArgumentError(`minAbsMs must be >= 0, got ${minAbsMs}`, 'minAbsMs');
  const rows: ComparisonRow[] = [];
  const limits: Limits = { tolerancePct, minAbsMs };
  rows.push({
    metric: 'passed',
    base: String(base.passed),
    new: String(next.passed),
    deltaPct: null,
    regression: base.passed && !next.passed,
    ...(base.passed && !next.passed ? { reason: 'the base passed, the new run failed' } : {}),
  });
  metricRows(rows, limits, base, next);
  completionRows(rows, base, next);
  rows.push(violationRow(base, next));
  sloRows(rows, base, next);
  const key = (r: { condition: string; strategy: string; fleetSize: number }): string =>
    `${r.condition} / ${r.strategy} / ${r.fleetSize}`;
  const baseRows = new Map((base.benchRows ?? []).map((r) => [key(r), r]));
  for (const r of next.benchRows ?? []) {
    const b = baseRows.get(key(r));
    if (!b) continue;
    latencyRow(rows, limits, `bench ${key(r)} p99 (ms)`, b.p99, r.p99, true);
    latencyRow(rows, limits, `bench ${key(r)} beyond-backoff p99 (ms)`, b.beyondBackoffP99, r.beyondBackoffP99, true);
  }
  return { rows, regressed: rows.some((r) => r.regression), warnings: unlike(base, next) };
}

/** A lower-is-better number; only a watched one that grew past both limits is a regression. */
function latencyRow(rows: ComparisonRow[], limits: Limits, metric: string, b: number | undefined, n: number | undefined, watched: boolean): void {
  if (b === undefined && n === undefined) return;
  const { tolerancePct, minAbsMs } = limits;
  const d = deltaPct(b, n);
  const grew = b !== undefined && n !== undefined && n - b > minAbsMs && (d === null || d > tolerancePct);
  const regression = watched && grew;
  rows.push({
    metric,
    base: b ?? null,
    new: n ?? null,
    deltaPct: d,
    regression,
    ...(regression ? { reason: `grew more than ${tolerancePct}% (and ${minAbsMs} ms)` } : {}),
  });
}

/** Reconnect, event-loop lag, CPU, floor, throughput and paced latency rows, in report order. */
function metricRows(rows: ComparisonRow[], limits: Limits, base: RunResult, next: RunResult): void {
  const latency = (metric: string, b: number | undefined, n: number | undefined, watched: boolean): void => latencyRow(rows, limits, metric, b, n, watched);
  const br = base.metrics.reconnect;
  const nr = next.metrics.reconnect;
  latency('reconnect p50 (ms)', br?.p50, nr?.p50, false);
  latency('reconnect p95 (ms)', br?.p95, nr?.p95, true);
  latency('reconnect p99 (ms)', br?.p99, nr?.p99, true);
  latency('reconnect max (ms)', br?.max, nr?.max, false);
  latency('event-loop lag p50 (ms)', base.metrics.eventLoopLagMs?.p50, next.metrics.eventLoopLagMs?.p50, false);
  latency('event-loop lag p99 (ms)', base.metrics.eventLoopLagMs?.p99, next.metrics.eventLoopLagMs?.p99, true);
  latency('coordinator CPU (%)', base.metrics.cpuPercent, next.metrics.cpuPercent, false);
  latency('floor p99 (ms)', base.floor?.p99, next.floor?.p99, false);
  throughputRows(rows, base, next, limits.tolerancePct);
  const bt = base.metrics.throughput;
  const nt = next.metrics.throughput;
  latency('paced p50 (ms)', bt?.pacedP50Ms, nt?.pacedP50Ms, false);
  latency('paced p99 (ms)', bt?.pacedP99Ms, nt?.pacedP99Ms, true);
  latency('coordinator CPU per task (µs)', bt?.coordinatorUsPerTask, nt?.coordinatorUsPerTask, false);
}

/** Lost or duplicated completions in the new run are regressions whatever the base had. */
function completionRows(rows: ComparisonRow[], base: RunResult, next: RunResult): void {
  const nc = next.metrics.completions;
  const bc = base.metrics.completions;
  if (!nc && !bc) return;
  for (const k of ['lost', 'duplicated'] as const) {
    const n = nc?.[k];
    const regression = (n ?? 0) > 0;
    rows.push({
      metric: `completions ${k}`,
      base: bc?.[k] ?? null,
      new: n ?? null,
      deltaPct: deltaPct(bc?.[k], n),
      regression,
      ...(regression ? { reason: `${n} completion(s) ${k}` } : {}),
    });
  }
}

/** A violation the base did not have is a regression. */
function violationRow(base: RunResult, next: RunResult): ComparisonRow {
  const known = new Set(base.violations.map(violationKey));
  const fresh = next.violations.filter((v) => !known.has(violationKey(v)));
  return {
    metric: 'violations',
    base: base.violations.length,
    new: next.violations.length,
    deltaPct: deltaPct(base.violations.length, next.violations.length),
    regression: fresh.length > 0,
    ...(fresh.length > 0
      ? { reason: `new: ${fresh.map((v) => `${v.name}: ${v.message}`).join('; ')}` }
      : {}),
  };
}

/** An SLO failing now that passed in the base (or was not there) is a regression. */
function sloRows(rows: ComparisonRow[], base: RunResult, next: RunResult): void {
  const baseSlo = new Map(base.slo.map((s) => [s.name, s]));
  const num = (v: number | string | null | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
  for (const s of next.slo) {
    const b = baseSlo.get(s.name);
    const regression = !s.passed && (b === undefined || b.passed);
    rows.push({
      metric: `SLO ${s.name}`,
      base: b === undefined ? null : `${b.passed ? 'pass' : 'FAIL'} (${String(b.measured)})`,
      new: `${s.passed ? 'pass' : 'FAIL'} (${String(s.measured)})`,
      deltaPct: deltaPct(num(b?.measured), num(s.measured)),
      regression,
      ...(regression ? { reason: 'SLO newly failing' } : {}),
    });
  }
}

const KIND_WORDS: Record<string, string> = { sim: 'a simulation', live: 'a live run', 'bench-reconnect': 'a reconnect benchmark' };

/**
 * Why two runs may not be comparable. A simulation's times are simulated
 * (virtual network and clock) and a live run's are wall-clock on real
 * processes, so their latencies say nothing about each other; correctness
 * rows (passed, violations, completions) still mean what they say.
 */
function unlike(base: RunResult, next: RunResult): string[] {
  const out: string[] = [];
  if (base.kind !== next.kind) {
    out.push(`comparing ${KIND_WORDS[next.kind] ?? next.kind} with ${KIND_WORDS[base.kind] ?? base.kind} baseline: latencies are not comparable (simulated vs wall-clock time); only passed, violations and completions are`);
  }
  if (base.scenario !== undefined && next.scenario !== undefined && base.scenario !== next.scenario) out.push(`different scenarios: baseline ${base.scenario}, new ${next.scenario}`);
  else if (base.kind === 'sim' && next.kind === 'sim' && base.seed !== next.seed) out.push(`different seeds (baseline ${String(base.seed)}, new ${String(next.seed)}): different fault schedules`);
  return out;
}

/** Throughput rows (higher is better): a regression when it fell by more than tolerancePct. */
function throughputRows(rows: ComparisonRow[], base: RunResult, next: RunResult, tolerancePct: number): void {
  const b = base.metrics.throughput;
  const n = next.metrics.throughput;
  const pairs = [
    ['throughput (tasks/s)', b?.tasksPerSec, n?.tasksPerSec],
    ['throughput ratio vs peer', b?.peerRatio, n?.peerRatio],
  ] as const;
  for (const [metric, bv, nv] of pairs) {
    if (bv === undefined && nv === undefined) continue;
    const d = deltaPct(bv, nv);
    const regression = d !== null && d < -tolerancePct;
    rows.push({ metric, base: bv ?? null, new: nv ?? null, deltaPct: d, regression, ...(regression ? { reason: `fell more than ${tolerancePct}%` } : {}) });
  }
}

const cell = (v: number | string | null): string => (v === null ? '–' : typeof v === 'number' ? fmtNum(v, 3) : v);

/** A Markdown table (readable as plain text in a terminal), regressions first-class marked. */
export function formatComparison(c: Comparison, options: { onlyChanged?: boolean } = {}): string {
  const rows = options.onlyChanged ? c.rows.filter((r) => r.regression || (r.deltaPct ?? 0) !== 0) : c.rows;
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const lines = [...c.warnings.map((w) => `WARNING: ${w}`), ...(c.warnings.length > 0 ? [''] : []), '| metric | base | new | Δ % | verdict |', '| --- | ---: | ---: | ---: | --- |'];
  for (const r of rows) {
    const d = r.deltaPct === null ? '–' : `${r.deltaPct >= 0 ? '+' : ''}${r.deltaPct.toFixed(1)}`;
    const verdict = r.regression ? `REGRESSION${r.reason ? `: ${r.reason}` : ''}` : 'ok';
    lines.push(`| ${esc(r.metric)} | ${esc(cell(r.base))} | ${esc(cell(r.new))} | ${d} | ${esc(verdict)} |`);
  }
  const n = c.rows.filter((r) => r.regression).length;
  lines.push('', c.regressed ? `${n} regression${n === 1 ? '' : 's'} found.` : 'No regression.');
  return lines.join('\n');
}

/** Reads a RunResult from a result.json file or a report directory that holds one. */
export async function loadRunResult(path: string): Promise<RunResult> {
  let file = path;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, 'result.json');
  } catch {
    throw new InvalidArgumentError(`cannot read ${path}: no such file or directory (give a result.json or a reports/<run-id>/ directory)`);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`${file} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseRunResult(json, file);
}

/**
 * The whole CLI command: load both, compare, format. Never throws for bad
 * input; returns exit code 2 with the reason instead.
 */
export async function compareCommand(
  basePath: string,
  newPath: string,
  options: CompareOptions & { onlyChanged?: boolean } = {},
): Promise<{ exitCode: CompareExit; text: string; comparison?: Comparison }> {
  try {
    const [base, next] = await Promise.all([loadRunResult(basePath), loadRunResult(newPath)]);
    const comparison = compareResults(base, next, options);
    return {
      exitCode: comparison.regressed ? CompareExit.Regression : CompareExit.Ok,
      text: formatComparison(comparison, options),
      comparison,
    };
  } catch (err) {
    if (err instanceof SquallError) return { exitCode: CompareExit.BadInput, text: `squall report compare: ${err.message}` };
    throw err;
  }
}
