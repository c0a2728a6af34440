/**
 * 30. Retention, the other way round (blind set 17 #02, #11): a policy is
 * not only respected at the prunes that happened, it is applied in time.
 * With a policy, a terminal execution is owed to be forgotten once it
 * completed more than maxAgeMs ago, or once more than maxCount terminal
 * executions completed at or after it (it and its ties included: ties at the
 * count boundary go together); the engine applies the policy every sweepMs,
 * so it must be gone by owed + sweepMs + toleranceMs. A read after that
 * deadline (the final read, a read after a restart) that still finds it is a
 * violation: a policy that never prunes (a flag silently dropped) or prunes
 * far too late (a unit taken wrong) passes every prune-by-prune rule.
 *
 * Excused, as the engine keeps them: an execution a dependent still waits on
 * (owed from its last dependent's end; never, while one is unfinished), and
 * time the coordinator could not sweep: its restart or kill (a new life
 * sweeps sweepMs after it starts), a pause, a storage fault or a store that
 * failed until it recovered (writes, prunes included, wait for it). A skewed
 * coordinator clock is not judged.
 */
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import { affectsCoordinator, clockOffset, finalTerminals } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** Completion decision time of every execution that ended, by id. */
export function completions(view: HistoryView): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, events] of view.byExecution) {
    const end = finalTerminals(events.filter((e) => e.ev.source === 'coordinator'))[0];
    if (end !== undefined) out.set(id, end.ev.at);
  }
  return out;
}

/** The engine's default sweep period (EngineConfig.retention.sweepMs). */
const DEFAULT_SWEEP_MS = 10_000;

const STORAGE_FAULTS = new Set(['disk_full', 'disk_error', 'slow_disk']);
const PROCESS_FAULTS = new Set(['kill', 'restart', 'pause']);

/** 30. Every execution the policy let go before a read's deadline is gone at that read. */
export function checkRetentionOwed(view: HistoryView, ctx: CheckContext): Violation[] {
  const policy = ctx.retention;
  if (policy === undefined || (policy.maxAgeMs === undefined && policy.maxCount === undefined)) return [];
  if (view.faults.some((f) => f.details.action === 'clock_skew' && affectsCoordinator(f.details))) return [];
  // Completions in the history's time (the coordinator's decision `at` plus the history's origin), as faults and reads are.
  const offset = clockOffset(view);
  const done = new Map([...completions(view)].map(([id, t]) => [id, t + offset]));
  const owed = owedTimes(view, done, policy);
  const sweepMs = policy.sweepMs ?? DEFAULT_SWEEP_MS;
  const gaps = sweepGaps(view);
  const out: Violation[] = [];
  for (const read of [...view.restartReads, ...(view.finalRead === undefined ? [] : [view.finalRead])]) {
    const readAt = read.rec.time;
    for (const [id, status] of Object.entries(read.executions)) {
      const o = owed.get(id);
      if (status === null || o === undefined || o.at >= readAt) continue;
      const deadline = deadlineOf(o.at, sweepMs + ctx.toleranceMs, gaps);
      if (readAt <= deadline) continue;
      out.push(
        violation(
          view.records,
          'retention',
          `${id}, ${o.why}, was still known (${status}) at the read at t=${read.rec.time}${read.rec.value.after === 'restart' ? ' (after a restart)' : ''}, past t=${deadline}: the policy (retention ${JSON.stringify(policy)}) lets it go and a sweep every ${sweepMs} ms (+${ctx.toleranceMs} ms) must have forgotten it`,
          { index: read.rec.index, executionId: id },
        ),
      );
      break; // one per read: a policy not applied leaves many behind
    }
  }
  return out;
}

/** When each terminal execution became owed (history time), with why; an execution a dependent never released is absent. */
function owedTimes(view: HistoryView, done: Map<string, number>, policy: NonNullable<CheckContext['retention']>): Map<string, { at: number; why: string }> {
  const sorted = [...done.values()].sort((a, b) => a - b);
  const dependents = new Map<string, string[]>();
  for (const s of view.submitted.values()) for (const d of s.ev.dependencies) dependents.set(d, [...(dependents.get(d) ?? []), s.ev.executionId]);
  const out = new Map<string, { at: number; why: string }>();
  for (const [id, t] of done) {
    let at = Infinity;
    let why = '';
    if (policy.maxAgeMs !== undefined) [at, why] = [t + policy.maxAgeMs, `completed at t=${t}, older than maxAgeMs ${policy.maxAgeMs} from t=${t + policy.maxAgeMs}`];
    if (policy.maxCount !== undefined) {
      const from = firstAtLeast(sorted, t);
      const nth = sorted[from + policy.maxCount];
      if (nth !== undefined && nth < at) [at, why] = [nth, `completed at t=${t}, beyond the newest maxCount ${policy.maxCount} from t=${nth}`];
    }
    const ends = (dependents.get(id) ?? []).map((d) => done.get(d) ?? Infinity);
    const released = Math.max(at, ...ends);
    if (released === Infinity) continue;
    out.set(id, { at: released, why: released > at ? `${why} (its last dependent ended at t=${released})` : why });
  }
  return out;
}

/** First index of `sorted` whose value is at least t. */
function firstAtLeast(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Spans (history time) in which the coordinator could not sweep: process and storage faults on it, a failed store until it recovered. */
function sweepGaps(view: HistoryView): [number, number][] {
  const gaps: [number, number][] = [];
  for (const f of view.faults) {
    if (STORAGE_FAULTS.has(f.details.action) || (PROCESS_FAULTS.has(f.details.action) && affectsCoordinator(f.details))) gaps.push([f.start.time, f.details.action === 'restart' ? f.start.time : view.faultEnd(f)]);
  }
  let failedAt: number | undefined;
  for (const e of view.events) {
    if (e.ev.source !== 'coordinator') continue;
    if (e.ev.type === 'store_failed') failedAt ??= e.rec.time;
    if (e.ev.type === 'store_recovered' && failedAt !== undefined) {
      gaps.push([failedAt, e.rec.time]);
      failedAt = undefined;
    }
  }
  if (failedAt !== undefined) gaps.push([failedAt, Infinity]);
  return gaps.sort((a, b) => a[0] - b[0]);
}

/** owed + slack, pushed past every gap that starts before the deadline reached so far (a new sweep starts at the gap's end). */
function deadlineOf(owed: number, slack: number, gaps: readonly [number, number][]): number {
  let deadline = owed + slack;
  for (const [from, to] of gaps) {
    if (from > deadline) break;
    if (to >= owed) deadline = Math.max(deadline, to + slack);
  }
  return deadline;
}
