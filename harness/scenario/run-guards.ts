/**
 * No false green from a scenario file: a run that did not do what its file
 * asked for cannot pass, whatever the checker says about the little that did
 * happen. A workload whose every submission was refused, or a fault timeline
 * of which nothing was applied, makes the run fail with a message saying why.
 * (Typos and absurd sizes are refused earlier, at load time: validate.ts,
 * limits.ts.)
 */
import type { HistoryRecord } from '../check/history.js';
import { specsOf, type Submission } from './workload.js';

/** Executions a plan submits (graphs count their nodes). */
export function plannedExecutions(plan: readonly Submission[]): number {
  return plan.reduce((n, s) => n + specsOf(s).length, 0);
}

/** What the guards read from a run outcome. */
export interface GuardInput {
  planned: number;
  accepted: number;
  /** The fault timeline that was scheduled (file timeline plus swarm). */
  faults: readonly unknown[];
  history: readonly HistoryRecord[];
  /** Protocol-event triggers that never fired, when some did not. */
  unfiredTriggers?: string;
}

/** The first refusal of a submission in the history, as "code: message". */
function firstRefusal(history: readonly HistoryRecord[]): string | undefined {
  for (const r of history) {
    if (r.f !== 'submit' || (r.type !== 'fail' && r.type !== 'info')) continue;
    const e = r.value.error as { code?: string; message?: string } | undefined;
    if (e !== undefined) return `${e.code ?? 'error'}: ${e.message ?? ''}`;
  }
  return undefined;
}

/** Reasons the run cannot count as a pass, empty when it did what its file asked. */
export function runGuardProblems(o: GuardInput): string[] {
  const problems: string[] = [];
  if (o.planned > 0 && o.accepted === 0) {
    const why = firstRefusal(o.history);
    problems.push(
      `the workload planned ${o.planned} executions and none was accepted${why === undefined ? ' (no submission was answered)' : `; first refusal: ${why}`}: nothing was tested`,
    );
  }
  const started = o.history.filter((r) => r.f === 'fault' && r.value.phase === 'start').length;
  if (o.faults.length > 0 && started === 0) {
    problems.push(`the scenario scheduled ${o.faults.length} faults and none was applied: the run tested a fault-free system`);
  }
  if (o.unfiredTriggers !== undefined) problems.push(o.unfiredTriggers);
  return problems;
}
