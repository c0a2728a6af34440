/**
 * The coordinator's clock against the history's: events are stamped when
 * the coordinator decided them (`at`, its clock) and recorded when they
 * committed (record time), so a rule about a decision needs the offset
 * between the two clocks (promises-durable-order.ts, promises-holders.ts).
 */
import type { HistoryView } from './view.js';
import { affectsCoordinator } from './view.js';

/**
 * The coordinator clock's offset to the history's (record time − `at`), per
 * segment of the history that one coordinator life and one clock skew share:
 * the smallest gap of its events there (an event sent at once has the true
 * offset; one recorded at its commit, a larger one, so the estimate never
 * makes a claim look earlier than it was).
 */
export class CoordinatorOffsets {
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

  /** Which segment (coordinator life and clock skew) record `index` lies in. */
  segment(index: number): number {
    let n = 0;
    while (n < this.cuts.length && (this.cuts[n] as number) < index) n++;
    return n;
  }

  /** The offset (record time − `at`) of the segment record `index` lies in; undefined if it holds no coordinator event. */
  offset(index: number): number | undefined {
    return this.minGap.get(this.segment(index));
  }
}
