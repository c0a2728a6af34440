/**
 * Session resume within its window (promise 11, delivery; issue 10, set 10
 * #18). PROTOCOL.md, registration step 3: if `resume` names a session the
 * coordinator still holds (detached less than `sessionTtlMs` ago), the session
 * continues (`registered {resumed: true}`) and both sides re-send only what
 * the other has not acknowledged. A coordinator that forgets a detached
 * session sooner (after leaseMs, say) starts a new one: every unacknowledged
 * message is renumbered and the worker's held tasks are judged afresh, which
 * redundancy heals, so only the registration shows it.
 *
 * Judged per worker: a coordinator registration that did not resume, while
 * the worker still knew the coordinator's latest session for it (its last
 * `connected` named that session, so its register asked to resume it) and
 * that session had been detached (the coordinator's `worker_disconnected` for
 * its connection, or the new registration replacing it) less than
 * sessionTtlMs before, minus the tolerance. Not judged across a restart of
 * either process or a clock step on the coordinator (the window is measured
 * on its wall clock).
 */
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import { affectsCoordinator } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** Where one worker's sessions stand as the history is read. */
interface SessionState {
  /** The session the worker last registered into (its `connected`). */
  known: string | undefined;
  /** The coordinator's latest session for the worker, and the connection it was bound to. */
  current: { sessionId: string; connectionId: string } | undefined;
  /** When that connection was detached (record time), if it was. */
  detachedAt: number | undefined;
  lives: string;
}

/** 11. A worker back within sessionTtlMs of its session's detachment resumes it. */
export function checkSessionResumed(view: HistoryView, ctx: CheckContext): Violation[] {
  const ttl = ctx.sessionTtlMs;
  if (ttl === undefined) return [];
  const out: Violation[] = [];
  const skews = view.faults.filter((f) => f.details.action === 'clock_skew' && affectsCoordinator(f.details));
  for (const [w, all] of view.byWorker) {
    const s: SessionState = { known: undefined, current: undefined, detachedAt: undefined, lives: '' };
    for (const e of all) {
      const ev = e.ev;
      const lives = `${view.lifeOf(w, e.rec.index)}/${view.lifeOf('coordinator', e.rec.index)}`;
      if (lives !== s.lives) Object.assign(s, { known: undefined, current: undefined, detachedAt: undefined, lives });
      if (ev.type === 'connected' && ev.source === w) s.known = ev.sessionId;
      else if (ev.type === 'worker_disconnected' && ev.connectionId === s.current?.connectionId) s.detachedAt ??= e.rec.time;
      if (ev.type !== 'worker_registered') continue;
      const prev = s.current;
      const detachedAt = s.detachedAt ?? e.rec.time;
      s.current = { sessionId: ev.sessionId, connectionId: ev.connectionId };
      s.detachedAt = undefined;
      if (ev.resumed || prev === undefined || s.known !== prev.sessionId) continue;
      const away = e.rec.time - detachedAt;
      if (away > ttl - ctx.toleranceMs || skews.some((f) => f.start.time <= e.rec.time && view.faultEnd(f) >= detachedAt)) continue;
      out.push(
        violation(
          view.records,
          'delivery',
          `${w} registered at t=${e.rec.time} into a new session ${ev.sessionId}, though it asked to resume ${prev.sessionId}, detached at t=${detachedAt}, ${away} ms before: within sessionTtlMs ${ttl} a session is resumed, not forgotten`,
          { index: e.rec.index, workerId: w },
        ),
      );
    }
  }
  return out;
}
