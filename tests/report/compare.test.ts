/**
 * `squall report compare`: regressions are flagged (p99 growth beyond the
 * tolerance, a new violation, lost/duplicated completions, an SLO newly
 * failing) and changes within tolerance are not; exit codes 0/1/2.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompareExit, compareCommand, compareResults, formatComparison } from '../../harness/report/compare.js';
import { parseRunResult, type RunResult } from '../../harness/report/model.js';
import { writeReport } from '../../harness/report/write.js';
import { benchFixture, liveFixture } from './fixtures.js';

/** A passing baseline derived from the live fixture. */
function baseline(): RunResult {
  const r = liveFixture();
  return parseRunResult({
    ...r,
    passed: true,
    violations: [],
    metrics: { ...r.metrics, completions: { expected: 100, completed: 100, lost: 0, duplicated: 0 } },
  });
}

function withReconnect(r: RunResult, scale: { p95?: number; p99?: number }): RunResult {
  const rec = r.metrics.reconnect;
  if (!rec) throw new Error('fixture has no reconnect metrics');
  return parseRunResult({
    ...r,
    metrics: { ...r.metrics, reconnect: { ...rec, p95: rec.p95 * (scale.p95 ?? 1), p99: rec.p99 * (scale.p99 ?? 1) } },
  });
}

const regressions = (rows: { metric: string; regression: boolean }[]): string[] =>
  rows.filter((r) => r.regression).map((r) => r.metric);

describe('compareResults', () => {
  it('flags a reconnect p99 that grew beyond the tolerance', () => {
    const base = baseline();
    const c = compareResults(base, withReconnect(base, { p99: 1.3 }), { tolerancePct: 10 });
    expect(c.regressed).toBe(true);
    expect(regressions(c.rows)).toEqual(['reconnect p99 (ms)']);
    const row = c.rows.find((r) => r.metric === 'reconnect p99 (ms)');
    expect(row?.deltaPct).toBeCloseTo(30, 5);
  });

  it('does not flag a change within the tolerance, nor an improvement', () => {
    const base = baseline();
    expect(compareResults(base, withReconnect(base, { p99: 1.05, p95: 1.09 })).regressed).toBe(false);
    expect(compareResults(base, withReconnect(base, { p99: 0.5, p95: 0.5 })).regressed).toBe(false);
    expect(compareResults(base, base).regressed).toBe(false);
  });

  it('ignores growth below the absolute floor (sub-millisecond noise)', () => {
    const base = parseRunResult({ ...baseline(), metrics: { reconnect: { p50: 0.2, p95: 0.3, p99: 0.4, max: 0.5, count: 10 } } });
    const next = parseRunResult({ ...base, metrics: { reconnect: { p50: 0.2, p95: 0.3, p99: 0.8, max: 0.9, count: 10 } } });
    expect(compareResults(base, next).regressed).toBe(false);
    expect(compareResults(base, next, { minAbsMs: 0.1 }).regressed).toBe(true);
  });

  it('flags a new violation, lost/duplicated completions and a failed run', () => {
    const base = baseline();
    const next = liveFixture(); // one exactly-once violation, one duplicated completion, passed: false
    const c = compareResults(base, next);
    expect(regressions(c.rows)).toEqual(['passed', 'completions duplicated', 'violations']);
    expect(c.rows.find((r) => r.metric === 'violations')?.reason).toContain('execution ex-0042 completed twice');
  });

  it('does not call a violation new when the base already had it', () => {
    const next = liveFixture();
    const c = compareResults(next, next);
    expect(c.rows.find((r) => r.metric === 'violations')?.regression).toBe(false);
    // ...but duplicated completions are always a regression.
    expect(regressions(c.rows)).toEqual(['completions duplicated']);
  });

  it('flags an SLO that passed before and fails now', () => {
    const base = baseline();
    const next = parseRunResult({
      ...base,
      slo: base.slo.map((s) => (s.name === 'event-loop lag p99' ? { ...s, measured: 71, passed: false } : s)),
      metrics: { ...base.metrics, eventLoopLagMs: { p50: 1.4, p99: 38.5, max: 60 } },
    });
    expect(regressions(compareResults(base, next).rows)).toEqual(['SLO event-loop lag p99']);
  });

  it('compares benchmark rows cell by cell', () => {
    const base = benchFixture();
    const rows = (base.benchRows ?? []).map((r) =>
      r.condition === 'clean' && r.strategy === 'full-jitter' && r.fleetSize === 500 ? { ...r, p99: r.p99 * 2 } : r,
    );
    const c = compareResults(base, parseRunResult({ ...base, benchRows: rows }));
    expect(regressions(c.rows)).toEqual(['bench clean / full-jitter / 500 p99 (ms)']);
  });

  it('formats a table that names the regression', () => {
    const base = baseline();
    const text = formatComparison(compareResults(base, withReconnect(base, { p99: 2 })));
    expect(text).toMatch(/\| reconnect p99 \(ms\) \| [\d,.]+ \| [\d,.]+ \| \+100\.0 \| REGRESSION/);
    expect(text).toContain('1 regression found.');
    expect(formatComparison(compareResults(base, base))).toContain('No regression.');
  });
});

describe('compareCommand', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'squall-compare-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0, 1 or 2 and reads report directories or result.json files', async () => {
    const base = baseline();
    const baseDir = await writeReport(base, { dir, runId: 'base' });
    const sameDir = await writeReport(base, { dir, runId: 'same' });
    const worseDir = await writeReport(withReconnect(base, { p99: 1.5 }), { dir, runId: 'worse' });
    expect((await compareCommand(baseDir, sameDir)).exitCode).toBe(CompareExit.Ok);
    const worse = await compareCommand(join(baseDir, 'result.json'), worseDir);
    expect(worse.exitCode).toBe(CompareExit.Regression);
    expect(worse.text).toContain('REGRESSION');
    const missing = await compareCommand(join(dir, 'nope'), worseDir);
    expect(missing.exitCode).toBe(CompareExit.BadInput);
    expect(missing.text).toMatch(/cannot read .*nope/);
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ schemaVersion: 2 }));
    const bad = await compareCommand(join(dir, 'bad.json'), worseDir);
    expect(bad.exitCode).toBe(CompareExit.BadInput);
    expect(bad.text).toContain('schemaVersion');
  });
});

describe('report compare: unlike runs', () => {
  it('warns above the table when a live run is compared with a simulation, and stays quiet for like runs', () => {
    const live = parseRunResult(liveFixture());
    const sim = { ...live, kind: 'sim' as const };
    const c = compareResults(sim, live);
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatch(/^comparing a live run with a simulation baseline: latencies are not comparable/);
    expect(formatComparison(c).split('\n')[0]).toMatch(/^WARNING: comparing a live run with a simulation baseline/);
    expect(compareResults(live, live).warnings).toEqual([]);
    expect(compareResults({ ...sim, seed: 1 }, { ...sim, seed: 2 }).warnings[0]).toMatch(/^different seeds/);
  });
});
