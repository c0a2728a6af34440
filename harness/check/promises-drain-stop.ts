/**
 * Promise 25 (drain), how long a drain that gave up keeps the worker alive
 * (blind set 13 #26). A drain that ran out of time (its `timeoutMs`) aborts what
 * still runs and keeps the link open for the hand-backs (`revoked` results) for
 * at most min(timeoutMs, handBackGraceMs) (WorkerConfig.handBackGraceMs,
 * default 2000 ms: system/worker/worker.ts drainExpired): so a worker whose
 * drain timed out stops (`stopped`, reason "drain timed out") no later than
 * drain start + timeoutMs + min(timeoutMs, handBackGraceMs) (+ toleranceMs),
 * whether or not its hand-backs were acknowledged (a link that is down must
 * not keep a stopping process around for another whole drain timeout).
 * Nor does it give up early: its stop comes no sooner than drain start +
 * timeoutMs (- toleranceMs), however long the timeout (a 30-day drain is
 * 30 days, past the ~24.8 days Node's setTimeout takes: core/long-timer.ts,
 * blind set 13 #16; scenarios/month-long-drain.yaml).
 * The drain starts when its fault does (the harness calls stop() then); not
 * judged when a pause or clock-skew fault on the worker overlaps the drain
 * (its timers may then run late or early).
 */
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import { affectsWorker } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The worker's default hand-back grace (system/worker/config.ts handBackGraceMs). */
const DEFAULT_HAND_BACK_GRACE_MS = 2000;

/** 25. A drain that timed out ends the process no sooner than its timeout, and within min(timeoutMs, handBackGraceMs) after it. */
export function checkDrainStopBound(view: HistoryView, ctx: CheckContext): Violation[] {
  const grace = ctx.handBackGraceMs ?? DEFAULT_HAND_BACK_GRACE_MS;
  const out: Violation[] = [];
  for (const st of view.ofType('stopped')) {
    const w = st.ev.workerId;
    if (st.ev.source !== w || st.ev.reason !== 'drain timed out') continue;
    const drains = view.faults.filter((f) => f.details.action === 'drain' && affectsWorker(f.details, w) && f.start.time <= st.rec.time);
    const f = drains[drains.length - 1];
    const timeoutMs = f?.details.params?.['timeoutMs'];
    if (f === undefined || typeof timeoutMs !== 'number') continue;
    const bound = f.start.time + timeoutMs + Math.min(timeoutMs, grace);
    const early = st.rec.time < f.start.time + timeoutMs - ctx.toleranceMs;
    if (!early && st.rec.time <= bound + ctx.toleranceMs) continue;
    const skewed = view.faults.some((g) => (g.details.action === 'pause' || g.details.action === 'clock_skew') && affectsWorker(g.details, w) && g.start.time <= st.rec.time && view.faultEnd(g) >= f.start.time);
    if (skewed) continue;
    const why = early
      ? `it gave up ${f.start.time + timeoutMs - st.rec.time} ms before its timeout: a drain waits its whole timeoutMs (a timer past ~24.8 days is chained, not cut short)`
      : `a drain that gives up keeps the link open for the hand-backs at most min(timeoutMs, handBackGraceMs ${grace}) = ${Math.min(timeoutMs, grace)} ms, so it stops by t=${bound}`;
    out.push(
      violation(
        view.records,
        'drain',
        `${w} stopped at t=${st.rec.time} after its drain (begun t=${f.start.time}, timeoutMs ${timeoutMs}) times out at t=${f.start.time + timeoutMs}: ${why}`,
        { index: st.rec.index, workerId: w },
      ),
    );
  }
  return out;
}
