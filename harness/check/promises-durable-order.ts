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
import type { Ev, HistoryView } from './view.js';
import { affectsCoordinator } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** Per execution, its first completion as recorded (= committed). */
function firstCompletions(view: HistoryView): Map<string, Ev<'status'>> {
  const out = new Map<string, Ev<'status'>>();
  for (const e of view.ofType('status')) if (e.ev.to === 'completed' && !out.has(e.ev.executionId)) out.set(e.ev.executionId, e);
  return out;
}

/**
 * The coordinator clock's offset to the history's (record time − `at`), per
 * segment of the history that one coordinator life and one clock skew share:
 * the smallest gap of its events there (an event sent at once has the true
 * offset; one recorded at its commit, a larger one, so the estimate never
 * makes a claim look earlier than it was).
 */
class CoordinatorOffsets {
  /** Record indexes where the coordinator's clock may have moved (a crash, a skew starting or ending). */
  private readonly cuts: number[];
  private readonly minGap = new Map<number, number>();

  constructor(view: HistoryView) {
    const cuts: number[] = [];
    for (const f of view.faults) {
      if (!affectsCoordinator(f.details)) continue;
      if (f.details.action === 'kill' || f.details.action === 'restart' || f.details.action === 'clock_skew') cuts.push(f.start.index);
      if (f.details.action === 'clock_skew' && f.stop !== undefined) cuts.push(f.stop.index);
    }
    this.cuts = cuts.sort((a, b) => a - b);
    for (const e of view.events) {
      if (e.ev.source !== 'coordinator') continue;
      const s = this.segment(e.rec.index);
      const gap = e.rec.time - e.ev.at;
      if (gap < (this.minGap.get(s) ?? Infinity)) this.minGap.set(s, gap);
    }
  }

  segment(index: number): number {
    let n = 0;
    while (n < this.cuts.length && (this.cuts[n] as number) < index) n++;
    return n;
  }

  offset(index: number): number | undefined {
    return this.minGap.get(this.segment(index));
  }
}

/**
 * 4. No claim of a dependent is decided before its dependency's completion
 * committed: the claim's decision (`at`, on the coordinator's clock) is not
 * earlier than the completion's record time. Judged within one coordinator
 * life and clock skew (a claim recorded before the completion is the plain
 * order rule's).
 */
export function checkDurableOrder(view: HistoryView): Violation[] {
  const out: Violation[] = [];
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
