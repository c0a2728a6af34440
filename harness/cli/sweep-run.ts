/**
 * Runs a plan of (scenario, seed) units, the whole plan or one shard of it,
 * and shapes the outcome as one RunResult (kind sim, one `sweep` row per
 * unit, the full `plan`), so shards written by many machines can be merged
 * by `squall report merge`. Used by `squall sim --seeds` and `squall suite`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROMISES as CHECKER_PROMISES, toJsonLines } from '../check/index.js';
import type { RunResultInput, Violation } from '../report/model.js';
import { RUN_RESULT_SCHEMA_VERSION } from '../report/model.js';
import { createProgress } from '../report/progress.js';
import { makeRunId, writeReport } from '../report/write.js';
import { enabledPromises, type Scenario } from '../scenario/schema.js';
import { type CheckedSimRun, toRunResult, toSimJson } from '../scenario/run.js';
import { SQUALL_VERSION } from '../version.js';
import { type RunUnit, type Shard, shardLabel, shardSlice } from './shard.js';

/** A unit with the file its scenario came from. */
export interface PlannedUnit extends RunUnit {
  file: string;
  loaded: Scenario;
}

/** Runs one unit (the CLI's runOne: checks, artifacts on failure, optional report). */
export type RunUnitFn = (u: PlannedUnit) => Promise<CheckedSimRun>;

/** What a plan's slice produced. */
export interface SweepOutcome {
  runs: { unit: PlannedUnit; run: CheckedSimRun }[];
  result: RunResultInput;
}

/** The checker's own list of promises, for the report's per-promise table. */
function promiseCatalog(): { number: number; name: string; title: string }[] {
  return CHECKER_PROMISES.map((p) => ({ number: p.number, name: p.name, title: p.title }));
}

/** Violations of one unit, tagged with scenario and seed so a merged report can tell them apart. */
function taggedViolations(unit: RunUnit, run: CheckedSimRun): Violation[] {
  return toSimJson(run).violations.map((v) => ({
    promise: v.promise,
    name: v.name,
    message: v.message,
    events: v.events,
    scenario: unit.scenario,
    seed: unit.seed,
    ...(v.executionId === undefined ? {} : { executionId: v.executionId }),
    ...(v.workerId === undefined ? {} : { workerId: v.workerId }),
  }));
}

/** Builds the sweep's RunResult from the runs of a slice. */
function sweepResult(opts: {
  plan: readonly RunUnit[];
  shard?: Shard | undefined;
  runs: readonly { unit: PlannedUnit; run: CheckedSimRun }[];
  startedAt: Date;
  wallMs: number;
}): RunResultInput {
  const scenarios = [...new Set(opts.plan.map((u) => u.scenario))];
  const single = scenarios.length === 1 ? scenarios[0] : undefined;
  const checked = new Set<string>();
  for (const { unit } of opts.runs) for (const p of enabledPromises(unit.loaded.checks)) checked.add(p);
  const label = opts.shard === undefined ? undefined : `shard${opts.shard.index}of${opts.shard.count}`;
  return {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    runId: makeRunId({ kind: single === undefined ? 'suite' : 'sweep', scenario: [single, label].filter(Boolean).join('-'), startedAt: opts.startedAt }),
    kind: 'sim',
    startedAt: opts.startedAt.toISOString(),
    version: SQUALL_VERSION,
    ...(single === undefined ? {} : { scenario: single }),
    description: `${single === undefined ? `suite of ${scenarios.length} scenarios` : `sweep of ${single}`}: ${opts.plan.length} planned runs, shard ${shardLabel(opts.shard)} ran ${opts.runs.length}`,
    passed: opts.runs.every((r) => r.run.passed),
    wallMs: opts.wallMs,
    promisesChecked: [...checked],
    promiseCatalog: promiseCatalog(),
    violations: opts.runs.flatMap(({ unit, run }) => taggedViolations(unit, run)),
    sweep: opts.runs.map(({ unit, run }) => {
      const j = toSimJson(run);
      return { scenario: unit.scenario, seed: unit.seed, passed: j.passed, traceHash: j.traceHash, violations: j.violations.length, simulatedMs: j.simulatedMs, wallMs: j.wallMs };
    }),
    plan: { units: opts.plan.map((u) => ({ scenario: u.scenario, seed: u.seed })), ...(opts.shard === undefined ? {} : { shard: { index: opts.shard.index, count: opts.shard.count } }) },
  };
}

/** Runs this shard's slice of the plan with a progress line; returns the runs and the sweep's RunResult. */
export async function runPlan(plan: readonly PlannedUnit[], shard: Shard | undefined, runOne: RunUnitFn, label: string): Promise<SweepOutcome> {
  const slice = shardSlice(plan, shard);
  const startedAt = new Date();
  const t0 = performance.now();
  const progress = createProgress({ total: slice.length, label: shard === undefined ? label : `${label} (shard ${shardLabel(shard)})` });
  const runs: SweepOutcome['runs'] = [];
  for (const unit of slice) {
    const run = await runOne(unit);
    runs.push({ unit, run });
    progress.tick({ failed: !run.passed, detail: `${unit.scenario} seed ${unit.seed}` });
  }
  progress.stop();
  return { runs, result: sweepResult({ plan, shard, runs, startedAt, wallMs: performance.now() - t0 }) };
}

/** Writes one simulated run's report with its history beside it (history.jsonl, linked from the page). */
export async function writeSimReport(run: CheckedSimRun, startedAt: Date, dir: string): Promise<string> {
  const result = { ...toRunResult(run, startedAt), files: [{ name: 'history.jsonl', title: 'the recorded history (one JSON record per line)' }] };
  const out = await writeReport(result, { dir });
  await writeFile(join(out, 'history.jsonl'), toJsonLines(run.outcome.history));
  return out;
}
