/**
 * Admission control (issue 13) under promise 10. A coordinator with more
 * handshakes in progress than it admits closes new connections with 4503 and a
 * retry-after hint: a deliberate close, not a spurious disconnect, but only
 * while the limit is really reached. A refusal below the limit turns workers
 * away from a coordinator that could take them.
 */
import { ADMISSION_CLOSE_CODE, REGISTER_TIMEOUT_MS } from './spec-tables.js';
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The WebSocket close code of an admission refusal. */
export const ADMISSION_CLOSE: number = ADMISSION_CLOSE_CODE;

/** Each refusal while fewer handshakes than the limit were in progress (by the coordinator's count, or by the workers': checkAdmissionCount). */
export function checkAdmission(view: HistoryView, ctx: CheckContext): Violation[] {
  const limit = ctx.maxPendingHandshakes;
  if (limit === undefined) return [];
  const byCount = view
    .ofType('admission_refused')
    .filter((e) => e.ev.pending < limit)
    .map((e) =>
      violation(
        view.records,
        'liveness',
        `the coordinator refused connection ${e.ev.connectionId} at t=${e.rec.time} with ${e.ev.pending} handshakes in progress, below its limit of ${limit}: admission control turned a worker away without a herd`,
        { index: e.rec.index },
      ),
    );
  return [...byCount, ...checkAdmissionCeiling(view, limit), ...checkAdmissionCount(view, ctx), ...checkHintRate(view, ctx), ...checkHelloRoom(view, limit)];
}

/** The smallest hint (PROTOCOL.md, admission control: 50 ms <= hint <= 10 s): a hint at it says nothing of the rate. */
const MIN_HINT_MS = 50;

/**
 * The retry-after hint is "when its turn comes at the registration rate the
 * coordinator measured while busy" (PROTOCOL.md, admission control): the
 * handshakes in progress plus the refusals before it in its burst, times the
 * measured interval between registrations. That interval is an average of
 * gaps between registrations that completed while another handshake was in
 * progress (it starts at 1 ms), so it is never longer than the longest such
 * gap. Each hint above the minimum therefore implies an interval of at least
 * (hint - 1) / (pending + every refusal so far); longer than any busy gap, the
 * estimate took an idle gap (set 11 #12: every gap fed in, so a herd after a
 * quiet spell is sent away for seconds). Busy is over-approximated from the
 * workers' side (another worker had an attempt open: from its `connecting`
 * to its `connected`, `disconnected` or `backoff`), so the bound only grows.
 * Not judged on receive times (live).
 */
function checkHintRate(view: HistoryView, ctx: CheckContext): Violation[] {
  if (ctx.receivedTimes === true) return [];
  const open = new Set<string>();
  let last: number | undefined;
  let longest = 1;
  let refusals = 0;
  const out: Violation[] = [];
  for (const { ev, rec } of view.events) {
    if (ev.type === 'connecting') open.add(ev.workerId);
    else if (ev.type === 'connected' || ev.type === 'disconnected' || ev.type === 'backoff') open.delete(ev.workerId);
    else if (ev.type === 'worker_registered') {
      const busy = [...open].some((w) => w !== ev.workerId);
      if (last !== undefined && busy) longest = Math.max(longest, rec.time - last);
      last = rec.time;
    } else if (ev.type === 'admission_refused') {
      refusals += 1;
      const implied = (ev.retryAfterMs - 1) / (ev.pending + refusals);
      if (ev.retryAfterMs <= MIN_HINT_MS || implied <= longest + 1) continue;
      const msg = `the coordinator refused connection ${ev.connectionId} at t=${rec.time} with retry-after=${ev.retryAfterMs} ms (${ev.pending} handshakes in progress, ${refusals} refusals so far): that hint implies registrations at least ${implied.toFixed(1)} ms apart, yet no two registrations while busy were more than ${longest} ms apart: the rate estimate took an idle gap`;
      out.push(violation(view.records, 'liveness', msg, { index: rec.index }));
    }
  }
  return out;
}

/**
 * At most `maxPendingHandshakes` handshakes are admitted at once (PROTOCOL.md,
 * admission control): a refusal that reports more in progress than the limit
 * shows the coordinator admitted beyond it (issue 10, set 10 #19: a limit
 * checked with `>` lets one handshake too many in, and its next refusal counts
 * limit + 1).
 */
function checkAdmissionCeiling(view: HistoryView, limit: number): Violation[] {
  return view
    .ofType('admission_refused')
    .filter((e) => e.ev.pending > limit)
    .map((e) =>
      violation(
        view.records,
        'liveness',
        `the coordinator refused connection ${e.ev.connectionId} at t=${e.rec.time} with ${e.ev.pending} handshakes in progress, above its limit of ${limit}: it admitted more handshakes at once than maxPendingHandshakes`,
        { index: e.rec.index },
      ),
    );
}

/**
 * The coordinator's own count is not evidence when it is the thing that is
 * wrong (issue 10, planted defect class 20: a handshake closed before
 * register never gives its slot back, so after `limit` such closes every
 * connection is refused "at the limit" forever). Judged from the workers'
 * side instead: a worker has one handshake at a time, from its `connecting`
 * to its `connected`, `disconnected` or next `connecting`; unless it
 * registered with a frame or was refused (4503), the coordinator may still count it for up
 * to its register timeout after the worker gave up (a close it never saw). A refusal claiming `pending` handshakes while fewer
 * could have been in progress is reported under promise 10.
 */
function checkAdmissionCount(view: HistoryView, ctx: CheckContext): Violation[] {
  const limit = ctx.maxPendingHandshakes;
  if (limit === undefined) return [];
  const slack = REGISTER_TIMEOUT_MS + ctx.toleranceMs;
  const spans: { from: number; to: number }[] = [];
  const open = new Map<string, { from: number }>();
  // A handshake that registered (connected) or was refused (4503) holds no slot after it ended; one registered by its
  // 0-RTT register (connected.zeroRtt) holds it until its first answer reaches the coordinator (Admission.helloRoom).
  const end = (w: string, t: number, slot = true): void => {
    const o = open.get(w);
    if (o !== undefined && slot) spans.push({ from: o.from, to: t });
    open.delete(w);
  };
  const out: Violation[] = [];
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.type === 'connecting') {
      end(ev.workerId, e.rec.time);
      open.set(ev.workerId, { from: e.rec.time });
    } else if (ev.type === 'connected') end(ev.workerId, e.rec.time, ev.zeroRtt === true);
    else if (ev.type === 'disconnected') end(ev.workerId, e.rec.time, ev.code !== ADMISSION_CLOSE);
    else if (ev.type === 'admission_refused' && ev.pending >= limit) {
      const t = e.rec.time;
      // The refused connection is one of the handshakes counted here, so the others are at most count - 1.
      const count = open.size + spans.filter((sp) => sp.from <= t && sp.to + slack >= t).length;
      // count 0: no worker opened the refused connection (an adversary's, or a synthetic history): not judged here.
      if (count === 0 || ev.pending <= count - 1) continue;
      out.push(
        violation(
          view.records,
          'liveness',
          `the coordinator refused connection ${ev.connectionId} at t=${t} claiming ${ev.pending} handshakes in progress (its limit ${limit}), but at most ${Math.max(0, count - 1)} other worker handshakes could have been open then (started, not ended more than the ${REGISTER_TIMEOUT_MS} ms register timeout before): admission slots leaked`,
          { index: e.rec.index },
        ),
      );
    }
  }
  return out;
}

/**
 * A 0-RTT hello is taken only while at most half the limit is in use,
 * counting it, and a taken hello keeps its slot until the worker's first
 * answer reaches the coordinator (PROTOCOL.md "0-RTT register", admission).
 * That answer is sent once the worker has its `registered` (its `connected`,
 * marked zeroRtt), so a 0-RTT registration holds its slot at least from the
 * coordinator's `worker_registered` until that `connected`, paired by worker
 * and session. Each such registration sees the others still held in the same
 * coordinator life; more than half the limit (at least 1), itself included,
 * is a hello taken beyond its room: a herd of hellos past the admission bound
 * (a hello path that gives its slot back at the registration).
 */
function checkHelloRoom(view: HistoryView, limit: number): Violation[] {
  const room = Math.max(1, Math.floor(limit / 2));
  const spans = helloSpans(view);
  const out: Violation[] = [];
  for (const s of spans) {
    const others = spans.filter((h) => h !== s && h.life === s.life && h.index < s.index && h.to > s.from);
    if (others.length + 1 <= room) continue;
    const names = others.map((h) => `${h.workerId}@${h.from}`).join(', ');
    const msg = `the coordinator took ${s.workerId}'s 0-RTT hello at t=${s.from} while ${others.length} other 0-RTT registrations still held their admission slots (${names}: none of their workers had its registered yet): ${others.length + 1} hellos at once, above half its limit of ${limit} (${room}): a hello taken beyond its room, or one that gave its slot back before the worker's first answer`;
    out.push(violation(view.records, 'liveness', msg, { index: s.index }));
  }
  return out;
}

/** Each 0-RTT registration: from the coordinator's `worker_registered` to its worker's next `connected` (zeroRtt), paired by worker and session. */
function helloSpans(view: HistoryView): { index: number; from: number; to: number; life: number; workerId: string }[] {
  const open = new Map<string, { index: number; from: number }>();
  const spans: { index: number; from: number; to: number; life: number; workerId: string }[] = [];
  for (const { ev, rec } of view.events) {
    if (ev.type === 'worker_registered') open.set(`${ev.workerId} ${ev.sessionId}`, { index: rec.index, from: rec.time });
    if (ev.type !== 'connected') continue;
    const key = `${ev.workerId} ${ev.sessionId}`;
    const reg = open.get(key);
    open.delete(key);
    if (reg === undefined || ev.zeroRtt !== true) continue;
    spans.push({ ...reg, to: rec.time, life: view.lifeOf('coordinator', reg.index), workerId: ev.workerId });
  }
  return spans;
}

/**
 * Whether a worker-side 4503 close at time t is excused: the coordinator
 * refused a connection at its limit within `window` ms before. (The worker's
 * event does not name the connection, so the refusal is matched by time.)
 */
export function admissionRefusalNear(view: HistoryView, ctx: CheckContext, t: number, window: number): boolean {
  const limit = ctx.maxPendingHandshakes ?? 0;
  return view.ofType('admission_refused').some((e) => e.rec.time <= t && e.rec.time >= t - window && e.ev.pending >= limit);
}
