/**
 * `runLive(scenario, opts)`: runs a scenario against real processes
 * (live-run.ts), checks it and writes a report. Two sources of verdicts:
 *  - the same checker as the simulation (harness/check) over the history the
 *    run recorded (events from every process, ordered by their monotonic
 *    stamps, plus submissions, faults and phases);
 *  - the essential live checks from the coordinator's HTTP API at the end:
 *    every 201'd execution exists and is terminal (completed unless it was
 *    meant to fail) with exactly one terminal entry in its statusHistory, and
 *    every worker is connected again.
 * The JSON has the shape of `squall sim --json` (traceHash and simulatedMs
 * null: a live run is not reproducible to the event).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type HistoryRecord, toJsonLines } from '../check/history.js';
import { checkHistory } from '../check/invariants.js';
import { contextFromScenario } from '../scenario/check-context.js';
import { checkSlo } from '../check/slo.js';
import { writeReport } from '../report/write.js';
import type { RunResultInput, Violation } from '../report/model.js';
import type { Scenario } from '../scenario/schema.js';
import { workerIds } from '../scenario/schema.js';
import { summarizeViolation } from '../scenario/run.js';
import { TERMINAL, terminalEntries } from '../scenario/http-client.js';
import { guardRun } from '../scenario/crash-guard.js';
import { crashedLiveJson, liveGuardProblems } from './live-guards.js';
import { type LiveRunOptions, type LiveRunOutcome, runScenarioLive } from './live-run.js';
import { FaultsRefusedError, ProxyUnreachableError } from './preflight.js';
import { liveResult } from './live-result.js';
import { SIM_ONLY_KINDS } from '../sim/probe-kind.js';

export interface RunLiveOptions extends LiveRunOptions {
  /** Parent dir of reports; default `reports`. null: write no report. */
  reportDir?: string | null;
  version?: string;
  /**
   * Slack for the checker's timing checks (backoff timers, heartbeat
   * detection, reconnect bound). Real processes on a shared machine get
   * scheduled late where the simulation never is; default max(scenario's, 1000).
   */
  toleranceMs?: number;
}

/** One fault as the JSON and the report list it. */
interface FaultLine {
  id: string;
  action: string;
  target: string;
  at: number;
  /** Why it was refused (refused faults only): the proxy's answer or the harness's reason. */
  reason?: string;
  /** How the live fault differs from what the file asks (applied faults only), e.g. a corrupt aimed at fields. */
  note?: string;
}

/** What `squall run --mode live --json` prints. */
export interface LiveJson {
  scenario: string;
  seed: number;
  passed: boolean;
  traceHash: null;
  simulatedMs: null;
  wallMs: number;
  violations: Violation[];
  convergedAfterMs: number | null;
  /** When the last acknowledged execution ended, after heal (the SLO's measure, from the history). */
  allWorkDoneAfterHealMs: number | null;
  acknowledged: number;
  /** The fault proxy the run used; external = a Toxiproxy at TOXIPROXY_URL. */
  proxy: { url: string; external: boolean } | null;
  /** Faults applied and faults refused, separately: a refused fault never counts as injected and fails the run. */
  faults: { applied: FaultLine[]; refused: FaultLine[] };
  /** Why the run did not start or stopped (unreachable proxy, refused faults, a crash). */
  error?: { code: string; message: string };
  /** Why the run cannot count as a pass although no promise broke (run guards: live-guards.ts). */
  problems?: string[];
  report: string | null;
}

/** Applied and refused faults of a finished run (exported for tests). */
export function faultLines(o: Pick<LiveRunOutcome, 'faults' | 'applied' | 'refusedFaults'>): LiveJson['faults'] {
  const line = (id: string): FaultLine => {
    const f = o.faults[Number(id.slice(1)) - 1];
    const aimed = f?.action.type === 'corrupt' ? f.action.fields : undefined;
    const note = aimed === undefined ? undefined : `fields ${aimed.join('/')} not aimed: a live proxy flips bits anywhere in the stream (aiming is simulation only)`;
    return { id, action: f?.action.type ?? '?', target: f?.target ?? '?', at: f?.at ?? 0, ...(note === undefined ? {} : { note }) };
  };
  return { applied: o.applied.map(line), refused: o.refusedFaults.map((r) => ({ id: r.id, action: r.action, target: r.target, at: r.at, reason: r.reason })) };
}

/** Refused faults as violations, so the report and the exit code show them. */
function refusalViolations(refused: FaultLine[], url: string): Violation[] {
  return refused.map((r) => ({ promise: 'faults', name: 'fault-refused', message: `fault ${r.id} (${r.action} on ${r.target} at ${r.at} ms) was not applied: ${r.reason ?? 'refused'} (fault proxy ${url})` }));
}

/** The essential live checks over the final HTTP state (see the file comment). */
export function essentialViolations(o: LiveRunOutcome): Violation[] {
  const out: Violation[] = [];
  const byId = new Map(o.executions.map((e) => [e.executionId, e]));
  for (const [id, { ref, expect }] of o.acked) {
    const e = byId.get(id);
    if (e === undefined) {
      out.push({ promise: 1, name: 'no-lost-work', executionId: id, message: `acknowledged execution ${id} (${ref}) is gone${o.coordinatorRestarts > 0 ? ` after ${o.coordinatorRestarts} coordinator restart(s)` : ''}` });
      continue;
    }
    const terminals = terminalEntries(e.statusHistory);
    if (!TERMINAL.has(e.status)) {
      out.push({ promise: 1, name: 'no-lost-work', executionId: id, message: `acknowledged execution ${id} (${ref}) still ${e.status} ${o.scenario.phases.healMs} ms after heal` });
    } else if (expect === 'completed' && e.status !== 'completed') {
      out.push({ promise: 1, name: 'no-lost-work', executionId: id, message: `execution ${id} (${ref}) ended ${e.status}, expected completed: ${JSON.stringify(e.error)}` });
    }
    if (terminals.length > 1) {
      out.push({ promise: 2, name: 'exactly-once', executionId: id, message: `execution ${id} has ${terminals.length} terminal entries in its history: ${terminals.map((t) => t.status).join(', ')}` });
    }
  }
  for (const id of workerIds(o.scenario.fleet)) {
    const w = o.workers.find((x) => x.id === id);
    if (w?.state !== 'connected') {
      out.push({ promise: 10, name: 'liveness', workerId: id, message: `worker ${id} is ${w?.state ?? 'unknown to the coordinator'} at the end, expected connected again after heal` });
    }
  }
  return out;
}

function dedupe(vs: Violation[]): Violation[] {
  const seen = new Set<string>();
  return vs.filter((v) => {
    const k = `${v.promise}|${v.executionId ?? ''}|${v.workerId ?? ''}|${v.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The JSON of a run that never started: the proxy was unreachable or refused faults (preflight.ts). */
function notStartedJson(scenario: Scenario, seed: number, err: ProxyUnreachableError | FaultsRefusedError, startedAt: Date, external: boolean): LiveJson {
  const refused = err instanceof FaultsRefusedError ? err.refused.map((r) => ({ id: r.id, action: r.action, target: r.target, at: r.at, reason: r.reason })) : [];
  return {
    scenario: scenario.name, seed, passed: false, traceHash: null, simulatedMs: null, wallMs: Date.now() - startedAt.getTime(),
    violations: refusalViolations(refused, err.url), convergedAfterMs: null, allWorkDoneAfterHealMs: null, acknowledged: 0,
    proxy: { url: err.url, external }, faults: { applied: [], refused },
    error: { code: err.code, message: err.message }, report: null,
  };
}

/** The checker's verdict over the recorded history, each with the history records around it (the report shows them under the promise). */
function historyViolations(scenario: Scenario, history: readonly HistoryRecord[], healAt: number, toleranceMs: number): Violation[] {
  return checkHistory(history, scenario.checks, { ...contextFromScenario(scenario), healAt, toleranceMs, receivedTimes: true }).map((v): Violation => {
    const { promise, name, message, executionId, workerId, events } = summarizeViolation(v);
    return { promise, name, message, events, ...(executionId === undefined ? {} : { executionId }), ...(workerId === undefined ? {} : { workerId }), source: 'history' };
  });
}

/** What the file asks that only the simulation does: a live run that ignored it would pass without it. */
function simulationOnly(scenario: Scenario): string[] {
  // A twin (fleet.twins) is started by the simulation only.
  const twins = scenario.fleet.twins.map((t) => `fleet.twins (${t.of} at ${t.at} ms) is simulation only: a live run starts no second process with a worker's id`);
  // The probe kind (harness/sim/probe-kind.ts) is registered by the simulation only: live workers refuse it.
  const simKinds = scenario.workload.items.filter((i) => SIM_ONLY_KINDS.includes(i.kind)).map((i) => `workload item ${i.name ?? i.kind} uses kind ${i.kind}, which is simulation only: live workers do not have it`);
  // A restart with other worker flags (a restart's args) is simulation only: a live restart keeps the process's command line.
  const reflagged = scenario.faults.filter((f) => f.action.type === 'restart' && f.action.args !== undefined).map((f) => `the restart of ${f.target} at ${f.at} ms with args is simulation only: a live restart keeps the worker's command line`);
  // The worker whose id carries markup (fleet.markupWorker) is started by the simulation only.
  const markup = scenario.fleet.markupWorker ? ['fleet.markupWorker is simulation only: a live run starts no worker whose id carries markup'] : [];
  return [...twins, ...simKinds, ...reflagged, ...markup];
}

/** Runs, checks, reports. A run the proxy cannot serve is not started and fails (json.error says why). */
export async function runLive(scenario: Scenario, opts: RunLiveOptions = {}): Promise<{ json: LiveJson; result: RunResultInput | null }> {
  const startedAt = new Date();
  const guarded = await guardRun(() => runScenarioLive(scenario, opts));
  if (!guarded.ok) {
    const err = guarded.crash.cause;
    if (err instanceof ProxyUnreachableError || err instanceof FaultsRefusedError) {
      const external = (opts.proxyUrl ?? process.env['TOXIPROXY_URL'] ?? '') !== '';
      return { json: notStartedJson(scenario, opts.seed ?? scenario.seed, err, startedAt, external), result: null };
    }
    return { json: crashedLiveJson(scenario, opts.seed ?? scenario.seed, guarded.crash, startedAt), result: null };
  }
  const o: LiveRunOutcome = guarded.value;
  const history = o.buffer.history();
  // History time is ms since the run started (processes spawned), as in the simulation.
  const healAt = o.healMono - o.buffer.t0;
  const toleranceMs = opts.toleranceMs ?? Math.max(scenario.checks.toleranceMs, 1000);
  const checked = historyViolations(scenario, history, healAt, toleranceMs);
  const faults = faultLines(o);
  const violations = dedupe([...refusalViolations(faults.refused, o.proxy.url), ...essentialViolations(o).map((v) => ({ ...v, source: 'http' })), ...checked]);
  const slo = checkSlo(history, scenario.slo, healAt);
  const problems = [...liveGuardProblems(o, history), ...simulationOnly(scenario)];
  const passed = violations.length === 0 && slo.passed && problems.length === 0;
  const result = liveResult({ scenario, o, history, startedAt, healAt, toleranceMs, violations, slo, passed, version: opts.version, reportDir: opts.reportDir });
  const report = opts.reportDir === null ? null : await writeReport(result, { dir: opts.reportDir ?? 'reports' });
  // The history beside the report, for replaying the checker or reading a violation's story.
  if (report !== null) await writeFile(join(report, 'history.jsonl'), toJsonLines(history));
  return {
    json: {
      scenario: scenario.name,
      seed: o.seed,
      passed,
      traceHash: null,
      simulatedMs: null,
      wallMs: Math.round(o.wallMs),
      violations,
      convergedAfterMs: o.convergedAfterMs === null ? null : Math.round(o.convergedAfterMs),
      allWorkDoneAfterHealMs: slo.measured.allWorkDoneAfterHealMs === null ? null : Math.round(slo.measured.allWorkDoneAfterHealMs),
      acknowledged: o.acked.size,
      proxy: o.proxy,
      faults,
      ...(problems.length === 0 ? {} : { problems }),
      report,
    },
    result,
  };
}
