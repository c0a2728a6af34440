/**
 * Promise 4 (order) at commit latency: a dependent may be dispatched only
 * once its dependency's completion is durable. The history records a
 * coordinator event when its store write committed (record time) and stamps
 * it when it was decided (`at`, the coordinator's clock), so a claim of a
 * dependent decided inside its dependency's completion commit window is
 * visible without a crash landing in that window: its `at` lies before the
 * completion's record time. A crash in the window would make it real (the
 * dependency runs again while its dependent already ran); blind set 9 #07.
 */
import type { CheckContext } from './context.js';
import type { Ev, HistoryView } from './view.js';
import { CoordinatorOffsets } from './coordinator-offsets.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** Per execution, its first completion as recorded (= committed). */
function firstCompletions(view: HistoryView): Map<string, Ev<'status'>> {
  const out = new Map<string, Ev<'status'>>();
  for (const e of view.ofType('status')) if (e.ev.to === 'completed' && !out.has(e.ev.executionId)) out.set(e.ev.executionId, e);
  return out;
}

/**
 * 4. No claim of a dependent is decided before its dependency's completion
 * committed: the claim's decision (`at`, on the coordinator's clock) is not
 * earlier than the completion's record time. Judged within one coordinator
 * life and clock skew (a claim recorded before the completion is the plain
 * order rule's). Not judged where record times are when events were received
 * (live), since then they say nothing about a commit.
 */
export function checkDurableOrder(view: HistoryView, ctx: Pick<CheckContext, 'receivedTimes'>): Violation[] {
  const out: Violation[] = [];
  if (ctx.receivedTimes === true) return out;
  const done = firstCompletions(view);
  const offsets = new CoordinatorOffsets(view);
  for (const [id, sub] of view.submitted) {
    if (sub.ev.dependencies.length === 0) continue;
    for (const c of view.byExecution.get(id) ?? []) {
      if (c.ev.type !== 'claimed') continue;
      for (const d of sub.ev.dependencies) {
        const completed = done.get(d);
        if (completed === undefined || completed.rec.index > c.rec.index) continue;
        if (offsets.segment(completed.rec.index) !== offsets.segment(c.rec.index)) continue;
        const offset = offsets.offset(c.rec.index);
        if (offset === undefined || c.ev.at + offset >= completed.rec.time) continue;
        out.push(
          violation(
            view.records,
            'order',
            `claimed (decided at t=${c.ev.at + offset}) before its dependency ${d}'s completion committed at t=${completed.rec.time}: a dependent is dispatchable only once its dependency's completion is durable (a crash in that window runs it on a dependency the store never saw complete)`,
            { index: c.rec.index, executionId: id },
          ),
        );
        break;
      }
    }
  }
  return out;
}
