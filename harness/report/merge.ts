/**
 * `squall report merge DIR...`: combines the sweep/suite results written by
 * shards (each a result.json with a `plan` and one `sweep` row per unit it
 * ran) into one RunResult (hence one index.html and one junit.xml), and says
 * which planned units no shard covered. Shards of different plans are not
 * mixed: the plans must be the same list.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../system/core/index.js';
import { SQUALL_VERSION } from '../version.js';
import { parseRunResult, RUN_RESULT_SCHEMA_VERSION, type RunResult, type RunResultInput, type SweepRun } from './model.js';
import { makeRunId } from './write.js';

/** One planned unit. */
interface MergeUnit {
  scenario: string;
  seed: number;
}

/** The merged result plus what the merge found about coverage. */
export interface MergeOutcome {
  result: RunResultInput;
  /** The shard results read, with where they came from. */
  sources: { path: string; shard: string; units: number }[];
  /** Planned units no shard ran. */
  uncovered: MergeUnit[];
  /** Units more than one shard ran (kept once; listed when the trace hashes differ too). */
  duplicated: { unit: MergeUnit; traceHashes: string[] }[];
}

const key = (u: MergeUnit): string => `${u.scenario}#${u.seed}`;

/** result.json files with a plan, at most `depth` directories below each given path. */
export async function findShardResults(paths: readonly string[], depth = 3): Promise<{ path: string; result: RunResult }[]> {
  const found: { path: string; result: RunResult }[] = [];
  const visit = async (p: string, left: number): Promise<void> => {
    const s = await stat(p).catch(() => undefined);
    if (s === undefined) throw new InvalidArgumentError(`${p}: no such file or directory (give the directories the shards wrote their reports to)`, 'DIR');
    if (s.isFile()) {
      if (!p.endsWith('.json')) return;
      let raw: unknown;
      try {
        raw = JSON.parse(await readFile(p, 'utf8')) as unknown;
      } catch (err) {
        throw new InvalidArgumentError(`${p}: not readable JSON: ${(err as Error).message}`, p);
      }
      const result = parseRunResult(raw, p);
      if (result.plan !== undefined) found.push({ path: p, result });
      return;
    }
    if (left < 0) return;
    const names = (await readdir(p)).sort();
    if (names.includes('result.json')) return visit(join(p, 'result.json'), left);
    for (const n of names) {
      const child = join(p, n);
      if ((await stat(child)).isDirectory()) await visit(child, left - 1);
    }
  };
  for (const p of paths) await visit(p, depth);
  return found;
}

function samePlan(a: readonly MergeUnit[], b: readonly MergeUnit[]): boolean {
  return a.length === b.length && a.every((u, i) => key(u) === key(b[i] as MergeUnit));
}

/** Every shard's sweep rows by unit (the first row of a unit wins), and every trace hash reported for each unit. */
function sweepRows(shards: readonly { result: RunResult }[]): { rows: Map<string, SweepRun & { scenario: string }>; hashes: Map<string, string[]> } {
  const rows = new Map<string, SweepRun & { scenario: string }>();
  const hashes = new Map<string, string[]>();
  for (const s of shards) {
    for (const row of s.result.sweep ?? []) {
      const scenario = row.scenario ?? s.result.scenario ?? '?';
      const k = key({ scenario, seed: row.seed });
      if (!rows.has(k)) rows.set(k, { ...row, scenario });
      hashes.set(k, [...(hashes.get(k) ?? []), row.traceHash ?? '?']);
    }
  }
  return { rows, hashes };
}

/** The shards' violations, each (scenario, seed, promise, message) once, in shard order. */
function uniqueViolations(shards: readonly { result: RunResult }[]): RunResult['violations'] {
  const seen = new Set<string>();
  return shards.flatMap((s) => s.result.violations).filter((v) => {
    const k = JSON.stringify([v.scenario, v.seed, v.promise, v.message]);
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

/** Merges shard results of one plan. Throws InvalidArgumentError when there are none or their plans differ. */
export function mergeShardResults(shards: readonly { path: string; result: RunResult }[], startedAt = new Date()): MergeOutcome {
  const first = shards[0];
  if (first === undefined) throw new InvalidArgumentError('no shard results found: run `squall sim FILE --seeds N --shard I/K` or `squall suite --shard I/K` (they write reports/<run-id>/result.json) and pass those directories', 'DIR');
  const plan = first.result.plan?.units ?? [];
  for (const s of shards) {
    if (!samePlan(plan, s.result.plan?.units ?? [])) {
      throw new InvalidArgumentError(`${s.path}: its plan (${s.result.plan?.units.length ?? 0} units) differs from ${first.path}'s (${plan.length} units): merge shards of one sweep only`, s.path);
    }
  }
  const { rows, hashes } = sweepRows(shards);
  const uncovered = plan.filter((u) => !rows.has(key(u))).map((u) => ({ scenario: u.scenario, seed: u.seed }));
  const duplicated = [...hashes]
    .filter(([, hs]) => hs.length > 1)
    .map(([k, hs]) => ({ unit: { scenario: rows.get(k)?.scenario ?? '?', seed: rows.get(k)?.seed ?? 0 }, traceHashes: [...new Set(hs)] }));
  const ordered = plan.map((u) => rows.get(key(u))).filter((r): r is SweepRun & { scenario: string } => r !== undefined);
  const scenarios = [...new Set(plan.map((u) => u.scenario))];
  const single = scenarios.length === 1 ? scenarios[0] : undefined;
  const violations = uniqueViolations(shards);
  const result: RunResultInput = {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    runId: makeRunId({ kind: 'merged', scenario: single ?? 'suite', startedAt }),
    kind: 'sim',
    startedAt: startedAt.toISOString(),
    version: SQUALL_VERSION,
    ...(single === undefined ? {} : { scenario: single }),
    description: `merged from ${shards.length} shard result(s): ${ordered.length} of ${plan.length} planned runs${uncovered.length > 0 ? `, ${uncovered.length} not covered by any shard` : ''}`,
    passed: ordered.every((r) => r.passed) && uncovered.length === 0,
    wallMs: Math.max(0, ...shards.map((s) => s.result.wallMs)),
    promisesChecked: [...new Set(shards.flatMap((s) => s.result.promisesChecked ?? []))],
    ...(first.result.promiseCatalog === undefined ? {} : { promiseCatalog: first.result.promiseCatalog }),
    violations,
    sweep: ordered,
    plan: { units: plan.map((u) => ({ scenario: u.scenario, seed: u.seed })) },
    uncovered,
  };
  const sources = shards.map((s) => ({ path: s.path, shard: s.result.plan?.shard ? `${s.result.plan.shard.index}/${s.result.plan.shard.count}` : 'all', units: s.result.sweep?.length ?? 0 }));
  return { result, sources, uncovered, duplicated };
}
