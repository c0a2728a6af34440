/**
 * The ready set as the coordinator's decisions rebuild it, replayed once for
 * every check that judges a claim against what else was ready (priority and
 * FIFO, promise 21): an execution is ready from a committed status
 * `scheduled` until any other status or its claim; a coordinator crash
 * clears the set (the new incarnation's ready queue starts empty). A check
 * that models recovery's re-queue gives `recovered`: every execution whose
 * last committed status was `scheduled` is then ready again right after the
 * crash (before the new incarnation's first decision).
 */
import { coordinatorCrashes } from './promises-state.js';
import type { Ev, HistoryView } from './view.js';

/** What one check keeps per ready execution and judges at each claim. */
export interface ReadyReplay<T> {
  /** The entry for an execution a `scheduled` status made ready. */
  enter: (e: Ev<'status'>) => T;
  /** The entry for an execution recovery re-queues after a crash; omitted: the set stays empty until new statuses. */
  recovered?: (executionId: string) => T;
  /** A claim: the claimed execution's entry (undefined if it was not ready) and what else was ready then (it removed). */
  claim: (e: Ev<'claimed'>, claimed: T | undefined, ready: ReadonlyMap<string, T>) => void;
}

/** Replays the coordinator's events in record order, keeping the ready set and calling `r.claim` at each claim. */
export function replayReadySet<T>(view: HistoryView, r: ReadyReplay<T>): void {
  const crashes = coordinatorCrashes(view).map((c) => c.index);
  const last = new Map<string, string>();
  const ready = new Map<string, T>();
  let nextCrash = 0;
  for (const e of view.events) {
    if (nextCrash < crashes.length && (crashes[nextCrash] ?? Infinity) < e.rec.index) {
      while (nextCrash < crashes.length && (crashes[nextCrash] ?? Infinity) < e.rec.index) nextCrash++;
      ready.clear();
      if (r.recovered !== undefined) for (const [id, s] of last) if (s === 'scheduled') ready.set(id, r.recovered(id));
    }
    const ev = e.ev;
    if (ev.source !== 'coordinator') continue;
    if (ev.type === 'status') {
      last.set(ev.executionId, ev.to);
      if (ev.to === 'scheduled') ready.set(ev.executionId, r.enter(e as Ev<'status'>));
      else ready.delete(ev.executionId);
      continue;
    }
    if (ev.type !== 'claimed') continue;
    const claimed = ready.get(ev.executionId);
    ready.delete(ev.executionId);
    last.set(ev.executionId, 'preparing');
    r.claim(e as Ev<'claimed'>, claimed, ready);
  }
}
