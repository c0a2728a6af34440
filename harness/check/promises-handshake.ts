/**
 * Promise 9: the handshake deadline backs off as the worker's docs say
 * (docs/PROTOCOL.md, worker `connecting` state; system/worker/backoff.ts
 * handshakeDeadline): each attempt's deadline (its `connecting` event's
 * handshakeTimeoutMs) is handshakeTimeoutMs doubled per consecutive handshake
 * timeout since the worker last registered, at most handshakeTimeoutMaxMs, as
 * TCP backs off its retransmission timer. A deadline grown another way (linear,
 * never reset) agrees with doubling for the first two timeouts only, so only a
 * longer streak shows it (backoff-cap blackholes two workers for 36 s).
 *
 * Computed from the history, not from the worker: an attempt timed out when it
 * neither registered nor failed before its deadline (its next `disconnected`,
 * `backoff` or `stopped` came at the deadline or later); one that failed
 * sooner (refused, closed) leaves the count as it was; a registration resets
 * it, and so does a new life of the process (kill, restart, drain). An attempt
 * a pause overlapped is not counted either way: the count is unknown until the
 * next registration or life. Not judged where record times are receive times.
 */
import type { CheckContext } from './context.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The worker's default first deadline (system/worker/config.ts). */
const DEFAULT_HANDSHAKE_MS = 5_000;
/** Virtual time is exact; this absorbs float sums of the deadline. */
const EPS = 1e-6;
const ENDS = new Set(['connected', 'disconnected', 'backoff', 'stopped']);

/** 9: every `connecting` deadline against the doubling the checker replays. */
export function checkHandshakeDeadlines(view: HistoryView, ctx: CheckContext): Violation[] {
  if (ctx.receivedTimes === true) return [];
  const base = ctx.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_MS;
  const max = ctx.handshakeTimeoutMaxMs ?? 4 * base;
  const out: Violation[] = [];
  for (const [w, all] of view.byWorker) {
    const mine = all.filter((e) => e.ev.source === w && (e.ev.type === 'connecting' || ENDS.has(e.ev.type)));
    let timeouts: number | undefined = 0;
    let life = 0;
    for (let i = 0; i < mine.length; i++) {
      const e = mine[i] as Ev;
      const lifeNow = view.lifeOf(w, e.rec.index);
      if (lifeNow !== life) [life, timeouts] = [lifeNow, 0];
      if (e.ev.type === 'connected') timeouts = 0;
      if (e.ev.type !== 'connecting') continue;
      const got = e.ev.handshakeTimeoutMs;
      if (got === undefined) continue;
      if (timeouts !== undefined) {
        const want = Math.min(max, base * 2 ** Math.min(timeouts, 31));
        if (Math.abs(got - want) > EPS) {
          out.push(
            violation(
              view.records,
              'backoff',
              `${w}'s connection attempt ${e.ev.attempt} at t=${e.rec.time} has a handshake deadline of ${got} ms after ${timeouts} consecutive handshake timeout(s); handshakeTimeoutMs ${base} doubled per timeout, at most handshakeTimeoutMaxMs ${max}, gives ${want} ms`,
              { index: e.rec.index, workerId: w },
            ),
          );
        }
      }
      timeouts = afterAttempt(view, w, e, mine.slice(i + 1).find((x) => ENDS.has(x.ev.type)), got, timeouts);
    }
  }
  return out;
}

/** The consecutive-timeout count after one attempt: +1 if it ran into its deadline, unknown if a pause overlapped it. */
function afterAttempt(view: HistoryView, w: string, start: Ev, end: Ev | undefined, deadline: number, timeouts: number | undefined): number | undefined {
  if (end === undefined || end.ev.type === 'connected' || timeouts === undefined) return timeouts;
  if (view.processFaultOn(w, start.rec.time, end.rec.time)) return undefined;
  return end.rec.time - start.rec.time >= deadline - EPS ? timeouts + 1 : timeouts;
}
