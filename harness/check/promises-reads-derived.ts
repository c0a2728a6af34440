/**
 * Part of 29, api-contract: what the listing and the stats derive, judged
 * against what they are derived from (issue 10, blind set 9):
 *
 * - each listed execution's public statusHistory is one chain: the first
 *   entry has no previous status, every later entry's previous is the status
 *   of the entry before it (a failed or timed-out attempt that is retried is
 *   folded into its `retrying` entry, whose previous is the status before the
 *   failure), and the last entry is the execution's status;
 * - each kind's successRate is completed / (completed + failed) of the same
 *   stats (null before either);
 * - the duration percentiles (p50, p95: nearest rank over completedAt -
 *   startedAt of recent completions, by the checker's own nearest rank,
 *   nearest-rank.ts) are those of the listed completed
 *   executions, when they sampled exactly those: nothing pruned, no
 *   coordinator restart or store reload (a reload samples again), and as
 *   many samples as listed completions;
 * - each listed completion's duration (completedAt - startedAt) is its final
 *   attempt's: no longer than from that attempt's claim (the engine's last
 *   `claimed` event) to its `completed` status, both on the coordinator's
 *   clock. A start kept from an earlier attempt adds the earlier attempts and
 *   the retry delays. Judged without coordinator restarts (a restarted
 *   engine's events and records start a new life).
 * - the queues the stats count (`queueLength`, ready to start; `delayed`,
 *   waiting for a due time) hold only executions waiting to run: together
 *   never more than the same read counts `scheduled` and `retrying`
 *   (at the final read, and at the reads the client makes right after each
 *   answered control). A paused,
 *   running or finished execution left in a queue (a pause that did not take
 *   a waiting execution out of them, blind set 11 #05) is counted there.
 * - a listed completed execution carries no `error`: the error of an earlier
 *   failed or timed-out attempt ends with the completion (blind set 11 #02).
 */
import type { HistoryRecord } from './history.js';
import { nearestRank } from './nearest-rank.js';
import type { ApiStats, ListedExecution } from './promises-reads.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The first break in one execution's public history chain, or undefined. */
function chainBreak(status: string, history: readonly [string, string | null][]): string | undefined {
  for (let i = 0; i < history.length; i++) {
    const [s, previous] = history[i] as [string, string | null];
    const want = i === 0 ? null : (history[i - 1] as [string, string | null])[0];
    if (previous !== want) return `entry ${i + 1} (${s}) says previous ${previous ?? 'null'}, but ${want === null ? 'it is the first entry' : `the entry before it is ${want}`}`;
    // A repeated control (a second pause, resume or cancel) is a no-op: it changes no status, so it records no entry (blind set 20 #15).
    if (s === previous) return `entry ${i + 1} (${s}) repeats the status before it: a request that changes nothing (a repeated pause, resume or cancel) records no entry`;
  }
  const last = history.at(-1)?.[0];
  return last === undefined || last === status ? undefined : `its last entry is ${last}, but the execution is ${status}`;
}

/** The public statusHistory of every listed execution is one consistent chain. */
export function historyChainViolations(view: HistoryView, rec: HistoryRecord, items: readonly ListedExecution[]): Violation[] {
  const out: Violation[] = [];
  for (const [id, status, , , history] of items) {
    const broken = history === undefined ? undefined : chainBreak(status, history);
    if (broken !== undefined) out.push(violation(view.records, 'api-contract', `listed ${id}'s statusHistory is not one chain: ${broken}`, { index: rec.index, executionId: id }));
  }
  return out;
}

/** successRate from the same stats' counts; the duration percentiles from the listing when they sampled exactly it. */
export function derivedStatsViolations(view: HistoryView, rec: HistoryRecord, items: readonly ListedExecution[], stats: ApiStats): Violation[] {
  const v = (message: string): Violation => violation(view.records, 'api-contract', `GET /api/v1/stats ${message}`, { index: rec.index });
  const out: Violation[] = [];
  for (const [kind, k] of Object.entries(stats.byKind)) {
    if (k.successRate === undefined) continue;
    const decided = k.completed + k.failed;
    const want = decided === 0 ? null : k.completed / decided;
    const same = want === null ? k.successRate === null : k.successRate !== null && Math.abs(k.successRate - want) < 1e-9;
    if (!same) out.push(v(`gives ${kind} successRate ${k.successRate}, but its own counts (${k.completed} completed, ${k.failed} failed) make ${want} (completed / (completed + failed))`));
  }
  out.push(...finalQueueViolations(stats).map(v));
  const d = stats.durationsMs;
  const ms = items.flatMap(([, status, , , , m]) => (status === 'completed' && typeof m === 'number' ? [m] : []));
  const resampled = view.ofType('pruned').length > 0 || view.ofType('store_recovered').length > 0 || view.lifeOf('coordinator', view.records.length) > 0;
  if (d === undefined || resampled || d.samples !== ms.length) return out;
  for (const [name, p] of [['p50', 50], ['p95', 95]] as const) {
    const want = nearestRank(ms, p);
    if (d[name] !== want) out.push(v(`gives durationsMs.${name} ${d[name]}, but the ${ms.length} listed completions (completedAt - startedAt) give ${want} by nearest rank (the sample of rank ceil(${p}% of ${ms.length}))`));
  }
  return out;
}

/** Listed completions no longer than their final attempt (see the file comment). */
export function durationViolations(view: HistoryView, rec: HistoryRecord, items: readonly ListedExecution[]): Violation[] {
  if (view.lifeOf('coordinator', view.records.length) > 0) return [];
  const lastClaim = new Map<string, number>();
  for (const e of view.ofType('claimed')) lastClaim.set(e.ev.executionId, e.ev.at);
  const completed = new Map<string, number>();
  for (const e of view.ofType('status')) if (e.ev.to === 'completed') completed.set(e.ev.executionId, e.ev.at);
  const out: Violation[] = [];
  for (const [id, status, , , , ms] of items) {
    const claim = lastClaim.get(id);
    const done = completed.get(id);
    if (status !== 'completed' || typeof ms !== 'number' || claim === undefined || done === undefined || ms <= done - claim) continue;
    const msg = `lists ${id} as completed after ${ms} ms (completedAt - startedAt), but its final attempt was claimed at ${claim} and completed at ${done}, ${done - claim} ms: startedAt is not the final attempt's start`;
    out.push(violation(view.records, 'api-contract', `GET /api/v1/executions ${msg}`, { index: rec.index, executionId: id }));
  }
  return out;
}

/** The stats' queues hold only scheduled/retrying executions (see the file comment), by the same read's own counts. */
function queueViolations(q: { queueLength: number; delayed: number; scheduled: number; retrying: number }): string[] {
  const waiting = q.scheduled + q.retrying;
  if (q.queueLength + q.delayed <= waiting) return [];
  return [`counts ${q.queueLength} ready and ${q.delayed} delayed executions, but only ${waiting} waiting to run (${q.scheduled} scheduled, ${q.retrying} retrying): a paused, running or finished execution was left in a queue`];
}

/** The final read's queue counts against its own byStatus. */
function finalQueueViolations(stats: ApiStats): string[] {
  if (stats.queueLength === undefined || stats.delayed === undefined) return [];
  return queueViolations({ queueLength: stats.queueLength, delayed: stats.delayed, scheduled: stats.byStatus.scheduled ?? 0, retrying: stats.byStatus.retrying ?? 0 });
}

/** The stats reads the client made right after each answered control (client-ops.ts `queueStats` notes). */
export function queueNoteViolations(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const r of view.records) {
    const q = r.f === 'note' && r.process === 'client' ? r.value.queueStats : undefined;
    if (typeof q !== 'object' || q === null) continue;
    const n = q as { after: string; queueLength: number; delayed: number; scheduled: number; retrying: number };
    for (const m of queueViolations(n)) out.push(violation(view.records, 'api-contract', `GET /api/v1/stats read right after the client's ${n.after} at t=${r.time} ${m}`, { index: r.index }));
  }
  return out;
}

/**
 * A completed execution carries its result and no error: the API's `error`
 * is why the execution ended unsuccessfully, so an earlier failed or
 * timed-out attempt's error must not outlive a later attempt's completion.
 */
export function completedErrorViolations(view: HistoryView, rec: HistoryRecord, items: readonly ListedExecution[]): Violation[] {
  const out: Violation[] = [];
  for (const [id, status, , , , , error] of items) {
    if (status !== 'completed' || error === undefined || error === null) continue;
    out.push(violation(view.records, 'api-contract', `listed ${id} is completed but still carries error ${error} (an earlier attempt's, kept past the completion)`, { index: rec.index, executionId: id }));
  }
  return out;
}
