/**
 * A checked simulation run: runs the scenario (run-sim.ts), checks the ten
 * promises and the SLOs over its history (harness/check), and shapes the
 * outcome as the CLI's JSON (`squall sim --json`) and as a RunResult for the
 * report writer (harness/report).
 */
import { checkHistory, checkSlo, PROMISES, type Violation } from '../check/index.js';
import { percentile } from '../../system/core/index.js';
import { contextFromScenario } from './check-context.js';
import { faultIntervalsOf, healAtOf, operationsOf } from '../report/from-history.js';
import { reconnectTimes } from '../check/slo.js';
import { HistoryView } from '../check/view.js';
import type { RunResult } from '../report/model.js';
import { RUN_RESULT_SCHEMA_VERSION } from '../report/model.js';
import { makeRunId } from '../report/write.js';
import { SQUALL_VERSION } from '../version.js';
import { guardRun, type RunCrash } from './crash-guard.js';
import { ConfigRefused, configRefusedViolation } from './config-refused.js';
import { type MarkCounts, sumMarks } from '../sim/marks.js';
import { runGuardProblems } from './run-guards.js';
import type { RefusedFault } from './driver.js';
import { budgetViolation } from './run-budget.js';
import { runScenarioSim, type SimRunOptions, type SimRunOutcome } from './run-sim.js';
import { enabledPromises, faultTimeline, type Scenario } from './schema.js';
import { sampleSwarm } from './swarm.js';

/**
 * A violation as it goes into JSON output: no history records, just the story's
 * headline and the records around it. A type alias, not an interface, so it fits
 * RunResult's open object schema without a cast.
 */
export type ViolationSummary = {
  promise: number;
  name: string;
  message: string;
  executionId?: string;
  workerId?: string;
  events: string[];
};

export interface CheckedSimRun {
  outcome: SimRunOutcome;
  violations: Violation[];
  slo: ReturnType<typeof checkSlo>;
  /** Why the run cannot count as a pass although no promise broke (run-guards.ts); empty normally. */
  problems: string[];
  passed: boolean;
  /** The run crashed (system or harness exception, unhandled rejection): failed, with what was known. */
  crash?: RunCrash;
}

/** The `squall sim --json` object for one seed. */
export interface SimJson {
  scenario: string;
  seed: number;
  passed: boolean;
  traceHash: string;
  simulatedMs: number;
  wallMs: number;
  violations: ViolationSummary[];
  /** Reasons the run did not test what its file asked (workload refused, no fault applied). */
  problems: string[];
  accepted: number;
  planned: number;
  /** Coverage marks hit (harness/sim/marks.ts). */
  marks: MarkCounts;
  /** Buggify firings per point; null when off. */
  buggify: Record<string, number> | null;
  convergedAfterMs: number | null;
  slo: { name: string; limit: number; value: number | null; passed: boolean }[];
  /** Present when the run crashed instead of finishing. */
  crash?: { origin: string; message: string };
  /** Faults applied (ids) and refused (a refused fault stops the run and fails it), as in live runs' JSON. */
  faults: { applied: string[]; refused: RefusedFault[] };
}

/** Runs and checks one seed; a crash during the run is a failed run (crashedRun), never a rejected promise. */
export async function runChecked(scenario: Scenario, opts: SimRunOptions = {}): Promise<CheckedSimRun> {
  const started = performance.now();
  const guarded = await guardRun(() => runScenarioSim(scenario, opts));
  if (!guarded.ok) return crashedRun(scenario, opts, guarded.crash, performance.now() - started);
  const outcome = guarded.value;
  const view = new HistoryView(outcome.history); // indexed once for the promises and the SLO
  const violations = checkHistory(view, scenario.checks, contextFromScenario(scenario));
  // A run that fired its whole step budget failed whatever its partial history shows (run-budget.ts).
  if (outcome.budgetStop !== undefined) violations.push(budgetViolation(outcome.history, outcome.budgetStop, outcome.seed));
  const slo = checkSlo(view, scenario.slo);
  const problems = runGuardProblems(outcome);
  // A fault the simulation could not apply means the run did not test what the file says: it fails.
  return { outcome, violations, slo, problems, passed: violations.length === 0 && slo.passed && problems.length === 0 && outcome.refused.length === 0 };
}

/**
 * The failed run a crash leaves: seed, scenario and fault schedule (enough to
 * replay it), no history. A process that refused its own documented config at
 * start (config-refused.ts) is no crash: the run fails promise 8 with the reason.
 */
function crashedRun(scenario: Scenario, opts: SimRunOptions, crash: RunCrash, wallMs: number): CheckedSimRun {
  const seed = opts.seed ?? scenario.seed;
  const swarm = opts.swarm ?? sampleSwarm(scenario, seed);
  const stats = { simulatedMs: 0, wallMs, speedup: 0, cpuMs: 0, timersFired: 0, framesDelivered: 0, traceLines: 0 };
  const outcome: SimRunOutcome = {
    scenario,
    seed,
    traceHash: 'crashed',
    simulatedMs: 0,
    wallMs,
    faults: [...faultTimeline(scenario.faults).map((x) => ({ ...x, note: x.note ?? 'timeline' })), ...swarm],
    swarm,
    history: [],
    applied: [],
    refused: [],
    convergedAfterMs: null,
    accepted: 0,
    planned: 0,
    marks: sumMarks([]),
    buggify: null,
    stats,
  };
  const refused = crash.cause instanceof ConfigRefused ? crash.cause : undefined;
  if (refused !== undefined) return { outcome, violations: [configRefusedViolation(refused, scenario.name)], slo: checkSlo([], scenario.slo), problems: [], passed: false };
  return { outcome, violations: [], slo: checkSlo([], scenario.slo), problems: [], passed: false, crash };
}

export function summarizeViolation(v: Violation): ViolationSummary {
  const s: ViolationSummary = {
    promise: v.promise.number,
    name: v.promise.name,
    message: v.message,
    events: v.events.slice(0, 12).map((r) => `#${r.index} t=${r.time} ${r.process} ${r.type} ${r.f} ${JSON.stringify(r.value)}`),
  };
  if (v.executionId !== undefined) s.executionId = v.executionId;
  if (v.workerId !== undefined) s.workerId = v.workerId;
  return s;
}

/** The verdict fields the CLI's JSON and the report share. */
function verdictFields(run: CheckedSimRun): Pick<SimJson, 'scenario' | 'seed' | 'passed' | 'traceHash' | 'simulatedMs' | 'wallMs' | 'violations' | 'crash'> {
  const o = run.outcome;
  return {
    ...(run.crash === undefined ? {} : { crash: { origin: run.crash.origin, message: run.crash.message } }),
    scenario: o.scenario.name,
    seed: o.seed,
    passed: run.passed,
    traceHash: o.traceHash,
    simulatedMs: Math.round(o.simulatedMs),
    wallMs: Math.round(o.wallMs),
    violations: run.violations.map(summarizeViolation),
  };
}

export function toSimJson(run: CheckedSimRun): SimJson {
  const o = run.outcome;
  return {
    ...verdictFields(run),
    problems: run.problems,
    accepted: o.accepted,
    planned: o.planned,
    marks: o.marks,
    buggify: o.buggify,
    convergedAfterMs: o.convergedAfterMs,
    slo: run.slo.checks.map((c) => ({ name: c.name, limit: c.limit, value: c.value, passed: c.passed })),
    faults: { applied: o.applied, refused: o.refused },
  };
}

/** Connected workers and completions over time, sampled every `stepMs` of the history. */
function timelineOf(o: SimRunOutcome, stepMs: number): RunResult['timeline'] {
  const connected = new Set<string>();
  let completed = 0;
  const points: RunResult['timeline'] = [];
  let next = 0;
  let lastCompleted = 0;
  const flush = (t: number): void => {
    while (next <= t) {
      points.push({ t: next, connectedWorkers: connected.size, completedTotal: completed, throughputPerSec: ((completed - lastCompleted) * 1000) / stepMs });
      lastCompleted = completed;
      next += stepMs;
    }
  };
  for (const r of o.history) {
    flush(r.time - 1);
    if (r.f === 'connected') connected.add(r.process);
    else if (r.f === 'disconnected') connected.delete(r.process);
    else if (r.f === 'status' && r.value.to === 'completed') completed++;
  }
  flush(o.simulatedMs);
  return points;
}

/** The RunResult of a checked simulation run, for writeReport. */
export function toRunResult(run: CheckedSimRun, startedAt: Date): RunResult {
  const o = run.outcome;
  const m = run.slo.measured;
  const view = new HistoryView(o.history);
  const reconnectMs = reconnectTimes(view);
  const healAt = healAtOf(o.history);
  const ops = operationsOf(o.history);
  const step = Math.max(100, Math.round(o.simulatedMs / 300));
  return {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    runId: makeRunId({ kind: 'sim', scenario: o.scenario.name, seed: o.seed, startedAt }),
    kind: 'sim',
    startedAt: startedAt.toISOString(),
    version: SQUALL_VERSION,
    ...verdictFields(run),
    metrics: {
      ...(m.reconnect.count > 0
        ? { reconnect: { p50: m.reconnect.p50Ms ?? 0, p95: percentile(reconnectMs, 95) ?? 0, p99: m.reconnect.p99Ms ?? 0, max: m.reconnect.maxMs ?? 0, count: m.reconnect.count } }
        : {}),
      allWorkDoneAfterHealMs: m.allWorkDoneAfterHealMs,
      convergedAfterMs: o.convergedAfterMs,
      completions: {
        expected: o.accepted,
        completed: o.history.filter((r) => r.f === 'status' && r.value.to === 'completed').length,
        lost: m.lostCompletions,
        duplicated: m.duplicateCompletions,
      },
    },
    timeline: timelineOf(o, step),
    faults: faultIntervalsOf(o.history, o.simulatedMs),
    ...(healAt === undefined ? {} : { healAt }),
    description: o.scenario.description,
    promisesChecked: enabledPromises(o.scenario.checks),
    promiseCatalog: PROMISES.map((p) => ({ number: p.number, name: p.name, title: p.title })),
    operations: ops.spans,
    operationsTotal: ops.total,
    reconnectSamples: reconnectMs.length > 0 ? [{ strategy: o.scenario.fleet.backoff.strategy, condition: o.scenario.name, ms: reconnectMs }] : [],
    slo: run.slo.checks.map((c) => ({ name: c.name, target: c.limit, measured: c.value, unit: c.name.endsWith('Ms') ? 'ms' : '', passed: c.passed })),
  };
}
