/**
 * 16, the sleep kind's pause: a paused `sleep` checkpoints the time it slept
 * IN ALL, so the attempt that resumes from that checkpoint sleeps only the
 * rest. The paused attempt P started at tP and slept at least until the
 * pause was requested at tReq (it cannot have heard of it earlier), so the
 * attempt that resumes from P's pause checkpoint and completes runs at most
 * durationMs - (tReq - tP) + toleranceMs. A checkpoint that keeps only the
 * interrupted chunk makes it sleep again what P already slept (issue 10,
 * blind set 8 #30).
 */
import type { CheckContext } from './context.js';
import { controlCalls, runningAt } from './promises-control.js';
import type { TaskSubmitted } from './history.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The completed attempt that resumed from P's pause checkpoint, with P's start, or undefined when the chain is not that clean. */
function resumedAfterPause(events: readonly Ev[], pausedToken: string, requestedAt: number): { pStart: Ev; resumed: Ev; done: Ev } | undefined {
  const pStart = events.find((e) => e.ev.type === 'task_started' && e.ev.leaseToken === pausedToken);
  if (pStart === undefined || pStart.ev.type !== 'task_started') return undefined;
  const attempt = pStart.ev.attempt;
  const saved = events.filter((e) => e.ev.type === 'checkpoint_saved' && e.ev.attempt === attempt).at(-1);
  if (saved === undefined || saved.ev.type !== 'checkpoint_saved' || saved.rec.time < requestedAt) return undefined;
  const seq = saved.ev.seq;
  const resumed = events.find((e) => e.rec.index > saved.rec.index && e.ev.type === 'task_started' && e.ev.checkpointSeq === seq);
  if (resumed === undefined || !('leaseToken' in resumed.ev)) return undefined;
  const token = resumed.ev.leaseToken;
  const done = events.find((e) => e.rec.index > resumed.rec.index && e.ev.type === 'task_finished' && e.ev.leaseToken === token && e.ev.outcome === 'completed');
  return done === undefined ? undefined : { pStart, resumed, done };
}

/** 16. A sleep resumed after a pause sleeps only what the paused attempt had not slept. */
export function checkSleepResume(view: HistoryView, ctx: CheckContext, tasks: ReadonlyMap<string, TaskSubmitted>): Violation[] {
  const out: Violation[] = [];
  for (const call of controlCalls(view)) {
    const task = tasks.get(call.executionId);
    if (call.op !== 'pause' || call.answer?.value.phase !== 'ok' || task?.kind !== 'sleep') continue;
    const durationMs = (task.params as { durationMs?: unknown } | null)?.durationMs;
    const events = view.byExecution.get(call.executionId) ?? [];
    const held = runningAt(events, call.invoke.index);
    if (held === undefined || typeof durationMs !== 'number') continue;
    const chain = resumedAfterPause(events, held.token, call.invoke.time);
    if (chain === undefined) continue;
    const { pStart, resumed, done } = chain;
    const slept = call.invoke.time - pStart.rec.time;
    const ran = done.rec.time - resumed.rec.time;
    const worker = String(resumed.ev.source);
    if (view.processFaultOn(held.workerId, pStart.rec.time, call.invoke.time) || view.processFaultOn(worker, resumed.rec.time, done.rec.time)) continue;
    if (ran > durationMs - slept + ctx.toleranceMs) {
      out.push(
        violation(
          view.records,
          'task-contract',
          `sleep ${durationMs} ms: the attempt paused at t=${call.invoke.time} had slept ${slept} ms since t=${pStart.rec.time}, yet the attempt resumed from its pause checkpoint ran ${ran} ms more (at most ${durationMs - slept} + ${ctx.toleranceMs}): the pause checkpoint lost time already slept`,
          { index: done.rec.index, executionId: call.executionId, workerId: worker },
        ),
      );
    }
  }
  return out;
}
