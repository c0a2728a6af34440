/**
 * The held-task report is complete (part of promise 11, `delivery`;
 * docs/PROTOCOL.md "sync": `sync` lists "every task it holds"). When a
 * worker's report is answered (`synced`, with the report it answered and
 * when it was built), every attempt that worker process had started before
 * the report was built and had not finished by then must be in it. An
 * attempt left out is one the coordinator cannot confirm: its lease is
 * revoked or left to expire while the worker still runs it, and a cancel or
 * a drain no longer finds it. The outcome rarely shows it (the attempt's
 * result is still sent and fenced, the work is redone elsewhere), so only
 * the worker's own trace does: a worker that loses track of an attempt
 * (its running set drops the wrong entry when an old attempt of the same
 * execution settles after its replacement started) reports without it.
 *
 * Times: the report's build time is the `synced` record's time minus the
 * worker's own (at - reportedAt), both on the worker's clock. Attempts that
 * started or finished at that very instant are not judged (the order within
 * one instant is not in the report). Not judged live (record times are
 * receive times there, not the worker's).
 */
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** One attempt of one worker process: when it started and finished (record times). */
interface Held {
  executionId: string;
  attempt: number;
  start: number;
  end: number | undefined;
}

/** 11 (report rule). See the file header. */
export function checkHeldReports(view: HistoryView, ctx: CheckContext): Violation[] {
  if (ctx.receivedTimes === true) return [];
  const attempts = new Map<string, Map<string, Held>>();
  const out: Violation[] = [];
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.source === 'coordinator') continue;
    const proc = `${ev.source}|${view.lifeOf(ev.source, e.rec.index)}`;
    if (ev.type === 'task_started') {
      const mine = attempts.get(proc) ?? new Map<string, Held>();
      attempts.set(proc, mine);
      mine.set(ev.leaseToken, { executionId: ev.executionId, attempt: ev.attempt, start: e.rec.time, end: undefined });
    } else if (ev.type === 'task_finished') {
      const a = attempts.get(proc)?.get(ev.leaseToken);
      if (a !== undefined && a.end === undefined) a.end = e.rec.time;
    } else if (ev.type === 'synced' && ev.reported !== undefined && ev.reportedAt !== undefined) {
      const builtAt = e.rec.time - (ev.at - ev.reportedAt);
      const listed = new Set(ev.reported.map((h) => h.leaseToken));
      for (const [lease, a] of attempts.get(proc) ?? []) {
        if (listed.has(lease) || a.start >= builtAt || (a.end !== undefined && a.end <= builtAt)) continue;
        const msg = `${ev.source}'s held-task report built at t=${builtAt} left out attempt ${a.attempt} of ${a.executionId} (lease ${lease}), which it had started at t=${a.start} and ${a.end === undefined ? 'still ran' : `ran until t=${a.end}`}`;
        out.push(violation(view.records, 'delivery', msg, { index: e.rec.index, executionId: a.executionId, workerId: ev.source }));
      }
    }
  }
  return out;
}
