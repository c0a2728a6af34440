/**
 * Service-level checks of a run, beside the promises: how long workers took
 * to reconnect (p50/p99 from each worker's `disconnected`, or the end of the
 * fault that kept it away, to its next `connected`), how long after heal all acknowledged work was done, and how
 * many completions were lost or duplicated. Returns the measured values and a
 * pass/fail per configured limit, for reports and the CLI's JSON.
 */
import { nearestRank as percentile } from './nearest-rank.js';
import type { HistoryRecord } from './history.js';
import { HistoryView, affectsCoordinator, affectsWorker, finalTerminals } from './view.js';

/** A scenario's `slo` limits (harness/scenario/schema.ts Slo); an unset limit is not checked. */
export interface SloLimits {
  reconnectP50Ms?: number | undefined;
  reconnectP99Ms?: number | undefined;
  allWorkDoneWithinMs?: number | undefined;
  maxLostCompletions: number;
  maxDuplicateCompletions: number;
}

export interface SloMeasurement {
  reconnect: { count: number; p50Ms: number | null; p99Ms: number | null; maxMs: number | null };
  /** ms from heal until the last acknowledged execution was terminal (0 if all were before heal); null if some never were or no heal was recorded. */
  allWorkDoneAfterHealMs: number | null;
  /** Acknowledged executions that never reached a terminal state. */
  lostCompletions: number;
  /** Extra completions: completed results or terminal states beyond the first, per execution. */
  duplicateCompletions: number;
}

export interface SloCheck {
  name: 'reconnectP50Ms' | 'reconnectP99Ms' | 'allWorkDoneWithinMs' | 'maxLostCompletions' | 'maxDuplicateCompletions';
  limit: number;
  value: number | null;
  passed: boolean;
}

export interface SloResult {
  measured: SloMeasurement;
  checks: SloCheck[];
  passed: boolean;
}

/**
 * Reconnect samples in ms, one per disconnection that ended in a connection:
 * from the moment reconnecting could succeed to `connected`. That is the
 * worker's `disconnected`, or, when a fault kept it (or the coordinator) away,
 * the end of the last such fault, so an outage's own length is not counted.
 */
export function reconnectTimes(view: HistoryView): number[] {
  const out: number[] = [];
  for (const [w, events] of view.byWorker) {
    const ends = view.faults
      .filter((f) => affectsWorker(f.details, w) || (affectsCoordinator(f.details) && PROCESS.has(f.details.action)))
      .map((f) => view.faultEnd(f));
    let downAt: number | undefined;
    for (const e of events) {
      if (e.ev.source !== w) continue;
      if (e.ev.type === 'disconnected' && downAt === undefined) downAt = e.rec.time;
      else if (e.ev.type === 'connected' && downAt !== undefined) {
        let from = downAt;
        for (const end of ends) if (end >= from && end <= e.rec.time) from = end;
        out.push(e.rec.time - from);
        downAt = undefined;
      }
    }
  }
  return out;
}

const PROCESS: ReadonlySet<string> = new Set(['pause', 'kill', 'restart']);

/** Measures a history (heal time from its 'heal' phase record unless given). */
export function measureSlo(history: readonly HistoryRecord[] | HistoryView, healAt?: number): SloMeasurement {
  const view = history instanceof HistoryView ? history : new HistoryView(history);
  const heal = healAt ?? view.healAt;
  const times = reconnectTimes(view);
  let lost = 0;
  let latest = 0;
  for (const id of view.acked.keys()) {
    const terminal = finalTerminals(view.byExecution.get(id) ?? [])[0];
    if (terminal === undefined) lost++;
    else latest = Math.max(latest, terminal.rec.time);
  }
  let duplicates = 0;
  for (const events of view.byExecution.values()) {
    const completions = events.filter((e) => e.ev.type === 'result_recorded' && e.ev.outcome === 'completed').length;
    const terminals = finalTerminals(events).length;
    duplicates += Math.max(0, completions - 1, terminals - 1);
  }
  return {
    reconnect: { count: times.length, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), maxMs: percentile(times, 100) },
    allWorkDoneAfterHealMs: heal === undefined || lost > 0 ? null : Math.max(0, latest - heal),
    lostCompletions: lost,
    duplicateCompletions: duplicates,
  };
}

/** Measures and compares with a scenario's `slo` limits (unset limits are not checked). */
export function checkSlo(history: readonly HistoryRecord[] | HistoryView, slo: SloLimits, healAt?: number): SloResult {
  const m = measureSlo(history, healAt);
  const checks: SloCheck[] = [];
  const atMost = (name: SloCheck['name'], limit: number | undefined, value: number | null): void => {
    if (limit !== undefined) checks.push({ name, limit, value, passed: value !== null && value <= limit });
  };
  atMost('reconnectP50Ms', slo.reconnectP50Ms, m.reconnect.count === 0 ? 0 : m.reconnect.p50Ms);
  atMost('reconnectP99Ms', slo.reconnectP99Ms, m.reconnect.count === 0 ? 0 : m.reconnect.p99Ms);
  atMost('allWorkDoneWithinMs', slo.allWorkDoneWithinMs, m.allWorkDoneAfterHealMs);
  atMost('maxLostCompletions', slo.maxLostCompletions, m.lostCompletions);
  atMost('maxDuplicateCompletions', slo.maxDuplicateCompletions, m.duplicateCompletions);
  return { measured: m, checks, passed: checks.every((c) => c.passed) };
}
