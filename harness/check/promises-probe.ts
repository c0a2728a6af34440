/**
 * Promise 19 (store health), the probe's cadence: while the store cannot
 * commit, "a probe retries the store (50 ms doubling to 2 s)" from the
 * moment it failed (README, Operations; system/engine/store-health.ts), and
 * each new outage starts that backoff again from 50 ms. So once the storage
 * fault that kept the store failing ends, the store recovers within the
 * delay that backoff had reached: at most min(2000, E + 50) ms after the
 * disk healed, E being how long the store had failed by then (the next
 * delay of a doubling from 50 is the sum of the earlier ones + 50), plus
 * the probe's own commit and the reload. An outage that starts probing at
 * the previous outage's last delay (blind set 10 #10) recovers seconds late.
 * Judged per outage (store_failed to store_recovered in one coordinator
 * life) whose storage faults all ended before it recovered; not judged when
 * a slow disk stretched the probe's commit.
 */
import type { CheckContext } from './context.js';
import type { HistoryRecord } from './history.js';
import type { FaultSpan, HistoryView } from './view.js';
import { affectsCoordinator } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

const PROBE_MIN_MS = 50;
const PROBE_MAX_MS = 2000;
/** The probe's commit and the reload that follows it, on top of the tolerance. */
const RELOAD_SLACK_MS = 50;

/** Each outage of the store in one coordinator life: its store_failed and store_recovered records. */
function outages(view: HistoryView): { failed: HistoryRecord; recovered: HistoryRecord }[] {
  const out: { failed: HistoryRecord; recovered: HistoryRecord }[] = [];
  let open: HistoryRecord | undefined;
  for (const e of view.events) {
    if (e.ev.source !== 'coordinator' || (e.ev.type !== 'store_failed' && e.ev.type !== 'store_recovered')) continue;
    if (open !== undefined && view.lifeOf('coordinator', open.index) !== view.lifeOf('coordinator', e.rec.index)) open = undefined;
    if (e.ev.type === 'store_failed') open ??= e.rec;
    else if (open !== undefined) {
      out.push({ failed: open, recovered: e.rec });
      open = undefined;
    }
  }
  return out;
}

/** 19 (probe). A store whose disk healed recovers within the probe backoff its outage had reached. */
export function checkProbeCadence(view: HistoryView, ctx: CheckContext): Violation[] {
  const storage = view.faults.filter((f) => affectsCoordinator(f.details) && (f.details.action === 'disk_full' || f.details.action === 'disk_error' || f.details.action === 'slow_disk'));
  if (storage.length === 0) return [];
  const out: Violation[] = [];
  for (const { failed, recovered } of outages(view)) {
    const during = storage.filter((f) => f.start.time <= recovered.time && view.faultEnd(f) >= failed.time);
    if (during.length === 0 || during.some((f) => f.details.action === 'slow_disk' || endOf(view, f) > recovered.time)) continue;
    const healed = Math.max(...during.map((f) => endOf(view, f)));
    const failingFor = Math.max(0, healed - failed.time);
    const bound = Math.min(PROBE_MAX_MS, failingFor + PROBE_MIN_MS) + RELOAD_SLACK_MS + ctx.toleranceMs;
    const late = recovered.time - healed;
    if (late <= bound) continue;
    out.push(
      violation(
        view.records,
        'store-health',
        `the store failed at t=${failed.time} and its disk healed at t=${healed}, but it recovered only at t=${recovered.time}, ${late} ms later: probing from 50 ms doubling to 2 s since the failure, the delay in force after ${failingFor} ms of failing is at most ${Math.min(PROBE_MAX_MS, failingFor + PROBE_MIN_MS)} ms (a new outage starts its probe backoff again from 50 ms)`,
        { index: recovered.index },
      ),
    );
  }
  return out;
}

function endOf(view: HistoryView, f: FaultSpan): number {
  return f.stop?.time ?? view.faultEnd(f);
}
