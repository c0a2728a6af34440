/**
 * The report model (RunResultInput) of a checked live run (runner.ts): its
 * metrics, timeline, faults, operations, reconnect samples and SLO checks.
 */
import type { HistoryRecord } from '../check/history.js';
import { PROMISES } from '../check/promises.js';
import type { SloResult } from '../check/slo.js';
import { faultIntervalsOf, operationsOf } from '../report/from-history.js';
import { makeRunId } from '../report/write.js';
import { groupReconnectSamples, type RunResultInput, summarizeSamples, type TimelinePoint, type Violation } from '../report/model.js';
import type { Scenario } from '../scenario/schema.js';
import { enabledPromises, workerIds } from '../scenario/schema.js';
import { TERMINAL, terminalEntries } from '../scenario/http-client.js';
import type { LiveRunOutcome } from './live-run.js';
import { healSamples, restoreSamples } from './reconnect-samples.js';
import { SQUALL_VERSION } from '../version.js';

/** What runLive knows once the run is checked. */
interface CheckedLiveRun {
  scenario: Scenario;
  o: LiveRunOutcome;
  history: readonly HistoryRecord[];
  startedAt: Date;
  healAt: number;
  toleranceMs: number;
  violations: Violation[];
  slo: SloResult;
  passed: boolean;
  version: string | undefined;
  reportDir: string | null | undefined;
}

/** Builds the report model of a checked live run (why: runLive writes it and returns it to the CLI). */
export function liveResult(r: CheckedLiveRun): RunResultInput {
  const { scenario, o, history, slo } = r;
  const events = o.buffer.events();
  const restored = restoreSamples(events, [...o.buffer.faultStops().filter((f) => f.mono < o.healMono), { mono: o.healMono }]);
  const ops = operationsOf(history);
  return {
    schemaVersion: 1,
    runId: makeRunId({ kind: 'live', scenario: scenario.name, seed: o.seed, startedAt: r.startedAt }),
    kind: 'live',
    startedAt: r.startedAt.toISOString(),
    version: r.version ?? SQUALL_VERSION,
    scenario: scenario.name,
    seed: o.seed,
    passed: r.passed,
    wallMs: o.wallMs,
    violations: r.violations,
    metrics: liveMetrics(r, events, restored),
    timeline: timelineOf(o),
    // From the recorded fault entries: the same time base as the timeline (ms since processes started).
    // Refused faults are listed too, as zero-length intervals at the moment they were refused.
    faults: [
      ...faultIntervalsOf(history, o.wallMs),
      ...o.refusedFaults.map((f) => ({ start: f.at, end: f.at, action: `${f.action} (REFUSED)`, target: f.target, status: 'refused' as const })),
    ],
    healAt: r.healAt,
    description: scenario.description,
    promisesChecked: enabledPromises(scenario.checks),
    promiseCatalog: PROMISES.map((p) => ({ number: p.number, name: p.name, title: p.title })),
    operations: ops.spans,
    operationsTotal: ops.total,
    files: r.reportDir === null ? [] : [{ name: 'history.jsonl', title: 'the recorded history (one JSON record per line)' }],
    reconnectSamples: groupReconnectSamples(
      restored.map((s) => ({ strategy: scenario.fleet.backoff.strategy, condition: 'scenario', fleetSize: scenario.fleet.workers, ms: s.ms, beyondBackoffMs: s.beyondBackoffMs })),
    ),
    slo: slo.checks.map((c) => ({ name: c.name, target: c.limit, measured: c.value, unit: c.name.endsWith('Ms') ? 'ms' : 'count', passed: c.passed })),
  };
}

/** Reconnect, completion, lag and CPU numbers of the run. */
function liveMetrics(r: CheckedLiveRun, events: ReturnType<LiveRunOutcome['buffer']['events']>, restored: readonly { ms: number }[]): RunResultInput['metrics'] {
  const { o, slo } = r;
  const heal = healSamples(events, o.healMono, new Set(workerIds(r.scenario.fleet)));
  const byId = new Map(o.executions.map((e) => [e.executionId, e]));
  const ackedViews = [...o.acked.keys()].map((id) => byId.get(id));
  const completed = ackedViews.filter((e) => e?.status === 'completed').length;
  const lost = ackedViews.filter((e) => e === undefined || !TERMINAL.has(e.status)).length;
  const duplicated = ackedViews.reduce((n, e) => n + Math.max(0, (e === undefined ? 0 : terminalEntries(e.statusHistory).length) - 1), 0);
  const lag = summarizeSamples(o.loopLagMs);
  return {
    ...(restored.length > 0 ? { reconnect: summarizeSamples(restored.map((s) => s.ms)) } : {}),
    completions: { expected: o.acked.size, completed, lost, duplicated },
    ...(lag.count > 0 ? { eventLoopLagMs: { p50: lag.p50, p99: lag.p99, max: lag.max } } : {}),
    ...(o.cpuPercent === null ? {} : { cpuPercent: o.cpuPercent }),
    convergedAfterMs: o.convergedAfterMs,
    allWorkDoneAfterHealMs: slo.measured.allWorkDoneAfterHealMs,
    refusedSubmissions: o.refused,
    indeterminateSubmissions: o.indeterminate,
    coordinatorRestarts: o.coordinatorRestarts,
    liveToleranceMs: r.toleranceMs,
    workersNeverSyncedAfterHeal: heal.neverSynced,
  };
}

/**
 * Connected workers, completions and throughput every 500 ms, from the events,
 * in the history's time base (ms since the processes started, buffer.t0), the
 * same as the faults and the heal; not since the faults phase began (o.t0).
 */
function timelineOf(o: LiveRunOutcome): TimelinePoint[] {
  const events = o.buffer.events();
  const up = new Set<string>();
  const points: TimelinePoint[] = [];
  let completed = 0;
  let lastCompleted = 0;
  let i = 0;
  // The whole run, not just up to the last event: the axis covers what the report's wall time says.
  const t0 = o.buffer.t0;
  const end = Math.max(events.length > 0 ? (events[events.length - 1]?.mono ?? t0) : t0, t0 + o.wallMs);
  for (let t = t0; t <= end; t += 500) {
    for (; i < events.length && (events[i]?.mono ?? Infinity) <= t; i++) {
      const e = events[i]?.event;
      if (e === undefined) continue;
      if (e.type === 'synced') up.add(e.source);
      else if (e.type === 'disconnected' || e.type === 'backoff') up.delete(e.source);
      else if (e.type === 'result_recorded' && e.outcome === 'completed') completed++;
    }
    points.push({ t: t - t0, connectedWorkers: up.size, completedTotal: completed, throughputPerSec: (completed - lastCompleted) * 2 });
    lastCompleted = completed;
  }
  return points;
}
