/**
 * Sharded sweeps: --shard 1/4 … 4/4 of a seed sweep run exactly the seeds of
 * the unsplit sweep, each once, and `report merge` of the four results gives
 * the same verdicts and trace hashes as the unsplit run. A missing shard is
 * named seed by seed; shards of different plans are refused.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type PlannedUnit, runPlan } from '../../harness/cli/sweep-run.js';
import { findShardResults, mergeShardResults } from '../../harness/report/merge.js';
import { parseRunResult } from '../../harness/report/model.js';
import { writeReport } from '../../harness/report/write.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';

const FILE = join(import.meta.dirname, '../../scenarios/partition-heal.yaml');
const SEEDS = 6;
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function plan(): Promise<PlannedUnit[]> {
  const s = await loadScenario(FILE);
  return Array.from({ length: SEEDS }, (_v, i) => ({ file: FILE, loaded: s, scenario: s.name, seed: 40 + i }));
}
const runOne = (u: PlannedUnit) => runChecked(u.loaded, { seed: u.seed });
const rowsOf = (r: { sweep?: { seed: number; passed: boolean; traceHash?: string }[] | undefined }) =>
  (r.sweep ?? []).map((s) => ({ seed: s.seed, passed: s.passed, traceHash: s.traceHash }));

describe('sharded sweep and report merge', () => {
  it('four shards cover exactly the unsplit seeds; the merge gives the same verdicts and trace hashes', { timeout: 240_000 }, async () => {
    const p = await plan();
    const whole = parseRunResult((await runPlan(p, undefined, runOne, 'whole')).result);
    const out = await mkdtemp(join(tmpdir(), 'squall-shards-'));
    dirs.push(out);
    const seen: number[] = [];
    for (let i = 1; i <= 4; i++) {
      const { result } = await runPlan(p, { index: i, count: 4 }, runOne, 'shard');
      seen.push(...rowsOf(parseRunResult(result)).map((r) => r.seed));
      await writeReport(result, { dir: join(out, `shard-${i}`) });
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(p.map((u) => u.seed));
    expect(new Set(seen).size).toBe(seen.length);

    const found = await findShardResults([out]);
    expect(found).toHaveLength(4);
    const merged = mergeShardResults(found);
    expect(merged.uncovered).toEqual([]);
    expect(merged.duplicated).toEqual([]);
    const m = parseRunResult(merged.result);
    expect(rowsOf(m)).toEqual(rowsOf(whole));
    expect(m.passed).toBe(whole.passed);

    // Drop shard 3: its seeds are named as uncovered and the merge fails.
    const without = mergeShardResults(found.filter((f) => f.result.plan?.shard?.index !== 3));
    const shard3 = p.filter((_u, n) => n % 4 === 2).map((u) => ({ scenario: u.scenario, seed: u.seed }));
    expect(without.uncovered).toEqual(shard3);
    expect(parseRunResult(without.result).passed).toBe(false);

    // A shard run twice is reported; the same trace hash twice is not a divergence.
    const twice = mergeShardResults([...found, found[0] as (typeof found)[number]]);
    expect(twice.duplicated.length).toBeGreaterThan(0);
    expect(twice.duplicated.every((d) => d.traceHashes.length === 1)).toBe(true);
  });

  it('refuses to merge shards of different plans, and an empty directory', async () => {
    const p = await plan();
    const a = parseRunResult((await runPlan(p.slice(0, 2), { index: 1, count: 2 }, runOne, 'a')).result);
    const b = parseRunResult((await runPlan(p.slice(0, 3), { index: 2, count: 2 }, runOne, 'b')).result);
    expect(() => mergeShardResults([{ path: 'a', result: a }, { path: 'b', result: b }])).toThrow(/plan .* differs/);
    expect(() => mergeShardResults([])).toThrow(/no shard results found/);
    const empty = await mkdtemp(join(tmpdir(), 'squall-empty-'));
    dirs.push(empty);
    expect(await findShardResults([empty])).toEqual([]);
    await expect(findShardResults([join(empty, 'missing')])).rejects.toThrow(/no such file or directory/);
  });
});
