/**
 * Promise 35 (hygiene): the system leaks nothing at run time. Read from what
 * harness/scenario/hygiene-watch.ts records:
 *
 * - no process warning while a simulated run goes on: a
 *   MaxListenersExceededWarning is the mark of a listener added per use and
 *   never removed (an abort listener per sleep chunk on an attempt's
 *   signal), and any other warning is a defect too. ExperimentalWarning is a
 *   notice about Node itself, not about the system, and is not judged;
 * - at the final read, with every workload execution ended, the
 *   coordinator's event hub holds exactly the dashboard streams its clients
 *   hold open (a stream whose client went away must unsubscribe), and its
 *   process has no more intervals armed than it had when it started
 *   listening, plus the one keep-alive while a stream is open (an interval
 *   per client, re-armed over a live one, is a leak);
 * - a long-lived client's stop signal holds no listener of a connect that
 *   settled: the adversary passes one signal to every connect it makes and
 *   notes its abort listeners after each round (`connectSignal`), when all
 *   have settled (system/transport/connect-attempt.ts, run by the simulated
 *   handshake; blind set 21 #02 left one per attempt, a
 *   MaxListenersExceededWarning after ten).
 */
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import { violation, type Violation } from './violation.js';

/** The idle gauges noted at the final read (hygiene-watch.ts idleGauges). */
interface IdleGauges {
  intervals: number;
  bootIntervals: number;
  hubStreams: number;
  openStreams: number;
}

const NOT_JUDGED = new Set(['ExperimentalWarning']);

function warningViolation(records: readonly HistoryRecord[], r: HistoryRecord): Violation {
  const where = Array.isArray(r.value.where) ? ` (${(r.value.where as string[]).join(' < ')})` : '';
  return violation(records, 'hygiene', `the system emitted a process warning at t=${r.time}: ${String(r.value.warning)}: ${String(r.value.message)}${where}; a run emits none (a listener or timer added per use and never removed leaks)`, { index: r.index });
}

function idleViolations(records: readonly HistoryRecord[], r: HistoryRecord, g: IdleGauges): Violation[] {
  const out: Violation[] = [];
  if (g.hubStreams !== g.openStreams) {
    out.push(violation(records, 'hygiene', `at the final read (t=${r.time}) the coordinator's event hub holds ${g.hubStreams} dashboard stream(s), but its clients hold ${g.openStreams} open: a stream whose client went away must leave the hub`, { index: r.index }));
  }
  const allowed = g.bootIntervals + (g.openStreams > 0 ? 1 : 0);
  if (g.intervals > allowed) {
    out.push(
      violation(records, 'hygiene', `at the final read (t=${r.time}) the coordinator has ${g.intervals} interval(s) armed, but it had ${g.bootIntervals} when it started listening${g.openStreams > 0 ? ' (plus one keep-alive while a stream is open)' : ' and no stream is open'}: an interval was left armed`, {
        index: r.index,
      }),
    );
  }
  return out;
}

/** 33. No process warning during the run; the coordinator's idle gauges back to baseline at the final read. */
export function checkHygiene(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const r of view.records) {
    if (r.type !== 'info') continue;
    if (r.process === 'node' && typeof r.value.warning === 'string' && !NOT_JUDGED.has(r.value.warning)) out.push(warningViolation(view.records, r));
    const sig = r.value.connectSignal as { listeners: number; connects: number } | undefined;
    if (sig !== undefined && sig.listeners > 0) out.push(violation(view.records, 'hygiene', `after ${sig.connects} settled connect(s) with one stop signal (t=${r.time}), ${sig.listeners} abort listener(s) remain on it: a settled connect must remove its listener from the caller's signal`, { index: r.index }));
    const idle = r.value.idleCoordinator as IdleGauges | undefined;
    if (idle !== undefined) out.push(...idleViolations(view.records, r, idle));
  }
  return out;
}
