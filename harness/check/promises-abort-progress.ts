/**
 * What an aborted attempt keeps, by abort reason (system/tasks/abort.ts: "a
 * kind can tell a pause (checkpoint and return) from a cancel or timeout
 * (stop now)"; docs/TASK-KINDS.md), judged on the workers' own records of
 * each attempt (task_started, task_aborted, task_finished of one lease):
 *
 * - 6, a pause keeps the progress: an attempt of a kind that checkpoints
 *   (CHECKPOINTING_KINDS) that its worker aborted as a pause, and that the
 *   coordinator recorded `paused`, returned (no error: it did not throw) and
 *   saved a checkpoint AFTER the abort, so the next attempt resumes from the
 *   progress at the pause, not from an older periodic checkpoint or from 0
 *   (blind set 21 #07: abortReasonOf misread the abort, the paused sleep threw
 *   and the resume started over);
 * - 16, every abort reason has its documented outcome: cancel -> cancelled,
 *   timeout -> timeout with error `timeout`, pause -> paused, revoked and
 *   shutdown (a drain that gave up, a revoke) -> revoked, each but a
 *   checkpointing kind's pause with error `aborted`;
 * - 16, the paused chain's work: a `sleep` attempt that completes after a run
 *   of paused attempts sleeps at most durationMs minus what they slept (each
 *   from its start to its worker's abort), plus tolerance: resumed from the
 *   checkpoint taken at the pause, no restart from an older one.
 *
 * An attempt whose worker or coordinator was stopped, killed or drained over
 * its span is not judged (its records or its checkpoint may be cut).
 */
import type { CheckContext } from './context.js';
import type { TaskSubmitted } from './history.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The builtin kinds that checkpoint their progress and, paused, checkpoint it and return (docs/TASK-KINDS.md). */
export const CHECKPOINTING_KINDS: ReadonlySet<string> = new Set(['sleep']);

/** The documented result of an attempt its worker aborted, by reason (system/worker/task-runner.ts, PROTOCOL.md). */
const ABORT_OUTCOMES: Readonly<Record<string, { outcome: string; errorCode: string }>> = {
  cancel: { outcome: 'cancelled', errorCode: 'aborted' },
  timeout: { outcome: 'timeout', errorCode: 'timeout' },
  pause: { outcome: 'paused', errorCode: 'aborted' },
  revoked: { outcome: 'revoked', errorCode: 'aborted' },
  shutdown: { outcome: 'revoked', errorCode: 'aborted' },
};

/** One attempt as its worker recorded it. */
interface Attempt {
  token: string;
  worker: string;
  attempt: number;
  start: Ev<'task_started'>;
  abort: Ev<'task_aborted'> | undefined;
  finish: Ev<'task_finished'> | undefined;
  /** The coordinator's recorded outcome for this lease. */
  recorded: Ev<'result_recorded'> | undefined;
}

/** The execution's attempts in start order, each with its worker's abort and finish and the recorded result. */
function attemptsOf(view: HistoryView, events: readonly Ev[]): Attempt[] {
  const out: Attempt[] = [];
  const byToken = new Map<string, Attempt>();
  for (const e of events) {
    const ev = e.ev;
    if (ev.type === 'task_started' && ev.source !== 'coordinator' && !byToken.has(ev.leaseToken)) {
      const a: Attempt = { token: ev.leaseToken, worker: ev.source, attempt: ev.attempt, start: e as Ev<'task_started'>, abort: undefined, finish: undefined, recorded: undefined };
      byToken.set(ev.leaseToken, a);
      out.push(a);
      continue;
    }
    if (!('leaseToken' in ev)) continue;
    const a = byToken.get(ev.leaseToken);
    if (a === undefined) continue;
    const sameLife = ev.source === a.worker && view.lifeOf(a.worker, e.rec.index) === view.lifeOf(a.worker, a.start.rec.index);
    if (ev.type === 'task_aborted' && sameLife) a.abort ??= e as Ev<'task_aborted'>;
    else if (ev.type === 'task_finished' && sameLife) a.finish ??= e as Ev<'task_finished'>;
    else if (ev.type === 'result_recorded') a.recorded ??= e as Ev<'result_recorded'>;
  }
  return out;
}

/** Whether a process fault on the attempt's worker or the coordinator overlaps [from, to]. */
const faulted = (view: HistoryView, a: Attempt, to: number): boolean => view.processFaultOn(a.worker, a.start.rec.time, to) || view.processFaultOn('coordinator', a.start.rec.time, to);

/** 6. A paused attempt of a checkpointing kind returned and checkpointed its progress after the pause. */
export function checkPauseCheckpoints(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  for (const [id, events] of view.byExecution) {
    const kind = view.submitted.get(id)?.ev.kind;
    if (kind === undefined || !CHECKPOINTING_KINDS.has(kind)) continue;
    for (const a of attemptsOf(view, events)) {
      const { abort, finish, recorded } = a;
      if (abort?.ev.reason !== 'pause' || finish === undefined || recorded?.ev.outcome !== 'paused' || faulted(view, a, recorded.rec.time)) continue;
      const where = { index: finish.rec.index, executionId: id, workerId: a.worker };
      if (finish.ev.errorCode !== undefined) {
        out.push(violation(view.records, 'checkpoints', `${kind} attempt ${a.attempt} on ${a.worker}, paused at t=${abort.rec.time}, ended paused with error ${finish.ev.errorCode}: it threw instead of checkpointing its progress and returning, so its resume starts from an older checkpoint`, where));
        continue;
      }
      const nextClaim = events.find((e) => e.rec.index > abort.rec.index && e.ev.type === 'claimed' && e.ev.leaseToken !== a.token)?.rec.index ?? Infinity;
      const saved = events.some((e) => e.ev.type === 'checkpoint_saved' && e.ev.attempt === a.attempt && e.rec.index > abort.rec.index && e.rec.index < nextClaim);
      if (!saved) {
        out.push(violation(view.records, 'checkpoints', `${kind} attempt ${a.attempt} on ${a.worker}, paused at t=${abort.rec.time} and recorded paused at t=${recorded.rec.time}, saved no checkpoint after the pause: the progress made since its last checkpoint is lost to the resume`, where));
      }
    }
  }
  return out;
}

/** 16. Each attempt its worker aborted ends with the outcome (and error code) its abort reason documents. */
export function checkAbortOutcomes(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const [id, events] of view.byExecution) {
    const kind = view.submitted.get(id)?.ev.kind ?? '?';
    for (const a of attemptsOf(view, events)) {
      const { abort, finish } = a;
      const want = abort === undefined ? undefined : ABORT_OUTCOMES[abort.ev.reason];
      if (abort === undefined || finish === undefined || want === undefined || finish.ev.errorCode === 'too_large') continue;
      const code = abort.ev.reason === 'pause' && CHECKPOINTING_KINDS.has(kind) ? undefined : want.errorCode;
      const codeOk = finish.ev.errorCode === code || (abort.ev.reason === 'pause' && code !== undefined && finish.ev.errorCode === undefined);
      if (finish.ev.outcome === want.outcome && codeOk) continue;
      const got = `${finish.ev.outcome}${finish.ev.errorCode === undefined ? '' : ` (error ${finish.ev.errorCode})`}`;
      const wanted = `${want.outcome}${code === undefined ? ' without an error' : ` (error ${code})`}`;
      out.push(
        violation(view.records, 'task-contract', `${kind} attempt ${a.attempt} on ${a.worker}, aborted as "${abort.ev.reason}" at t=${abort.rec.time}, ended ${got}: a ${abort.ev.reason} ends ${wanted}`, {
          index: finish.rec.index,
          executionId: id,
          workerId: a.worker,
        }),
      );
    }
  }
  return out;
}

/** 16. A sleep completed after paused attempts sleeps only what they had not slept. */
export function checkPausedChains(view: HistoryView, ctx: CheckContext, tasks: ReadonlyMap<string, TaskSubmitted>): Violation[] {
  const out: Violation[] = [];
  for (const [id, task] of tasks) {
    const durationMs = (task.params as { durationMs?: unknown } | null)?.durationMs;
    if (task.kind !== 'sleep' || typeof durationMs !== 'number') continue;
    const attempts = attemptsOf(view, view.byExecution.get(id) ?? []);
    attempts.forEach((c, i) => {
      if (c.finish?.ev.outcome !== 'completed' || c.abort !== undefined) return;
      const chain: Attempt[] = [];
      for (let j = i - 1; j >= 0; j--) {
        const p = attempts[j] as Attempt;
        if (p.abort?.ev.reason !== 'pause' || p.finish === undefined || p.recorded?.ev.outcome !== 'paused') break;
        chain.unshift(p);
      }
      const first = chain[0];
      if (first === undefined || [...chain, c].some((a) => faulted(view, a, (a.finish as Ev).rec.time))) return;
      const slept = chain.reduce((s, p) => s + ((p.abort as Ev).rec.time - p.start.rec.time), 0);
      const ran = c.finish.rec.time - c.start.rec.time;
      if (ran <= durationMs - slept + ctx.toleranceMs) return;
      const pauses = chain.map((p) => `attempt ${p.attempt} slept ${(p.abort as Ev).rec.time - p.start.rec.time} ms until its pause at t=${(p.abort as Ev).rec.time}`).join(', ');
      out.push(
        violation(view.records, 'task-contract', `sleep ${durationMs} ms: ${pauses}, yet attempt ${c.attempt} (${c.worker}) that completed after them ran ${ran} ms (at most ${Math.max(0, durationMs - slept)} + ${ctx.toleranceMs}): a resume starts from the progress at the pause, not from an older checkpoint`, {
          index: c.finish.rec.index,
          executionId: id,
          workerId: c.worker,
        }),
      );
    });
  }
  return out;
}
