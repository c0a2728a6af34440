/**
 * Promise 26, a worker that said it is full: when a worker refuses a fresh
 * assignment at its concurrency limit (a `revoked` result for a lease it
 * never started, not draining), slots the coordinator counts free are busy
 * on the worker (attempts it aborted still ending: a child in its SIGTERM
 * grace). The coordinator must not offer that worker work again until one of
 * its attempts ended (`task_finished` in its trace), it came back in a new
 * session, or the coordinator released another of its leases (a cancel, a
 * timeout: its own view gained a slot): a claim in between is refused again, and the loop of claims and
 * refusals (a claim and a release committed each time, every few ms) runs
 * until the aborted attempt ends (seen in task-resources: 751 refusals in
 * one run). Judged from the coordinator's record of the refusal (its
 * `result_recorded` with outcome `revoked`) to its next claim for the
 * worker, in the same life of both.
 */
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The refusal the coordinator recorded last for the worker, while none of its attempts has ended since. */
interface Full {
  lease: string;
  at: number;
  /** The coordinator's decision time of the refusal's record. */
  decided: number;
  /** The worker's life and the coordinator's when it was recorded (a restart of either forgets it). */
  life: number;
  coordinatorLife: number;
}

/** One stretch in which a worker had said it is full (history times). */
export interface FullSpan {
  from: number;
  to: number;
  lease: string;
  /** The first claim for the worker inside the stretch (it ends the stretch), if any. */
  claim?: Ev<'claimed'>;
}

/**
 * Per worker, from each refusal at capacity the coordinator recorded to the
 * end of one of the worker's attempts, its new session, a restart of either
 * side, or the next claim for it (the claim ends it: the worker then judges
 * again). The idle-capacity rules count no free slot on the worker inside.
 */
export function fullSpans(view: HistoryView): Map<string, FullSpan[]> {
  const out = new Map<string, FullSpan[]>();
  for (const [w, events] of view.byWorker) {
    const started = new Set(events.filter((e) => e.ev.source === w && e.ev.type === 'task_started').map((e) => (e as Ev<'task_started'>).ev.leaseToken));
    const draining = new Set(events.filter((e) => e.ev.source === w && e.ev.type === 'msg_sent' && e.ev.key === 'drain').map((e) => view.lifeOf(w, e.rec.index)));
    const spans: FullSpan[] = [];
    let full: (Full & { span: FullSpan }) | undefined;
    // When the worker sent each refusal, and when one of its attempts last ended (a slot freed since the refusal: not full).
    const refusedAt = new Map<string, number>();
    let lastEnded = -1;
    for (const e of events) {
      const ev = e.ev;
      if (ev.source === w && ev.type === 'msg_sent' && ev.dir === 'to_coordinator' && ev.key?.endsWith('/revoked') === true) refusedAt.set(ev.key.split('/')[1] ?? '', e.rec.index);
      if (ev.source === w && ev.type === 'task_finished') lastEnded = e.rec.index;
      const life = view.lifeOf(w, e.rec.index);
      const coordinatorLife = view.lifeOf('coordinator', e.rec.index);
      // A slot freed since: an attempt ended on the worker, a new session, or the coordinator released another of its leases (its view gained a slot).
      const released = ev.source === 'coordinator' && ev.type === 'lease_released' && full !== undefined && ev.leaseToken !== full.lease;
      const ended = released || (ev.source === w && (ev.type === 'task_finished' || ev.type === 'connected'));
      if (full !== undefined && (ended || full.life !== life || full.coordinatorLife !== coordinatorLife)) [full.span.to, full] = [e.rec.time, undefined];
      if (ev.source !== 'coordinator') continue;
      if (ev.type === 'result_recorded' && ev.outcome === 'revoked' && !started.has(ev.leaseToken) && !draining.has(life) && lastEnded < (refusedAt.get(ev.leaseToken) ?? -1)) {
        if (full !== undefined) full.span.to = e.rec.time;
        const span: FullSpan = { from: e.rec.time, to: Infinity, lease: ev.leaseToken };
        spans.push(span);
        full = { lease: ev.leaseToken, at: e.rec.time, decided: ev.at, life, coordinatorLife, span };
      } else if (ev.type === 'claimed' && full !== undefined && ev.at > full.decided) {
        // Decided after the refusal was (a claim of the same pass, committed later, was decided before it).
        [full.span.to, full.span.claim, full] = [e.rec.time, e as Ev<'claimed'>, undefined];
      }
    }
    if (spans.length > 0) out.set(w, spans);
  }
  return out;
}

/** 26: claims for a worker between its refusal at capacity and the end of one of its attempts. */
export function checkReofferWhileFull(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const [w, spans] of fullSpans(view)) {
    for (const { claim, lease, from } of spans) {
      if (claim === undefined) continue;
      out.push(
        violation(
          view.records,
          'capacity',
          `the coordinator claimed lease ${claim.ev.leaseToken} for ${w} at t=${claim.rec.time}, after ${w} refused lease ${lease} at its concurrency limit (recorded at t=${from}) and before any of its attempts ended: a worker that said it is full is not offered work until a slot frees`,
          { index: claim.rec.index, executionId: claim.ev.executionId, workerId: w },
        ),
      );
    }
  }
  return out;
}
