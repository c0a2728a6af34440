/**
 * Promise 35 (hygiene), periodic work: a periodic task runs at the period it
 * was given, never far more often (blind set 18 #28). Node turns an interval
 * period above 2^31-1 ms (~24.8 days) into 1 ms, so a `--retain-sweep 30d`
 * the system fails to cap scans every execution a thousand times a second,
 * pegging a core, and nothing else in the history shows it. The simulated
 * clock counts each interval's firings (harness/sim/process-clock.ts
 * intervalPaces: its period as asked, when it was armed, how often it fired;
 * the coordinator's are noted at the final read, hygiene-watch.ts). Two rules:
 *
 * - an interval of period P (capped at 2^31-1 ms, as the system caps it)
 *   armed at A has fired at most floor((T - A) / P) + 1 times by T;
 * - the retention sweep runs at the period the operator asked for
 *   (--retain-sweep, coordinator.retention.sweepMs; README: default 10 s):
 *   while a policy is set, one of the coordinator's intervals has that
 *   period (a flag misread on the way, or a default put in its place, is
 *   caught).
 */
import type { CheckContext } from './context.js';
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import { violation, type Violation } from './violation.js';

/** The longest interval period Node honours (system/core/long-timer.ts MAX_TIMER_MS). */
const MAX_PERIOD_MS = 2 ** 31 - 1;
/** The retention sweep period when --retain-sweep is not given (README, Retention). */
const DEFAULT_SWEEP_MS = 10_000;

/** One interval's pace as the final read notes it. */
interface Pace {
  periodMs: number;
  armedAt: number;
  fires: number;
  cancelledAt?: number;
}

function paceViolation(records: readonly HistoryRecord[], r: HistoryRecord, p: Pace): Violation | undefined {
  const until = p.cancelledAt ?? r.time;
  const period = Math.max(1, Math.min(MAX_PERIOD_MS, p.periodMs));
  const allowed = Math.floor((until - p.armedAt) / period) + 1;
  if (p.fires <= allowed) return undefined;
  const perSec = Math.round((p.fires * 1000) / Math.max(1, until - p.armedAt));
  return violation(
    records,
    'hygiene',
    `a coordinator interval of period ${p.periodMs} ms armed at t=${p.armedAt} fired ${p.fires} times by t=${until} (${perSec} per second), at most ${allowed} at its period${p.periodMs > MAX_PERIOD_MS ? ' (capped at 2^31-1 ms: Node turns a longer period into 1 ms)' : ''}: a periodic task runs at its period, never far more often`,
    { index: r.index },
  );
}

/** 35. Every coordinator interval fires at its period at most; the retention sweep has the period asked for. */
export function checkIntervalPace(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  for (const r of view.records) {
    if (r.type !== 'info') continue;
    const idle = r.value.idleCoordinator as { intervalPaces?: Pace[] } | undefined;
    if (idle?.intervalPaces === undefined) continue;
    for (const p of idle.intervalPaces) {
      const v = paceViolation(view.records, r, p);
      if (v !== undefined) out.push(v);
    }
    const sweep = ctx.retention === undefined ? undefined : (ctx.retention.sweepMs ?? DEFAULT_SWEEP_MS);
    if (sweep !== undefined && !idle.intervalPaces.some((p) => p.cancelledAt === undefined && p.periodMs === sweep)) {
      const periods = idle.intervalPaces.filter((p) => p.cancelledAt === undefined).map((p) => p.periodMs);
      out.push(violation(view.records, 'hygiene', `at the final read (t=${r.time}) no coordinator interval has the retention sweep's period ${sweep} ms (--retain-sweep; armed: ${periods.join(', ') || 'none'} ms): the sweep does not run at the period the operator gave`, { index: r.index }));
    }
  }
  return out;
}
