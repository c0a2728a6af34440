/**
 * Promise 8 (auth), a flood of refusals is accounted for (blind set 13 #22):
 * the coordinator logs at most a few rejections per key and window
 * (core/log-limiter.ts), and the first line it logs after dropping some says
 * how many (`suppressed`), so the operator learns the size of the flood. With
 * its rejection lines recorded (`log` notes, harness/scenario/log-record.ts):
 * per key (auth_failed, protocol_error:<code>), at every logged line the lines
 * logged so far plus the suppressed counts they reported equal the refusals
 * (`auth_failed` / `protocol_error` events) so far: none dropped unreported.
 * Counting restarts at each coordinator crash or restart (a new process, a
 * new limiter). Without `log` notes nothing is judged.
 *
 * And the limit is counted exactly: promises-log-limiter-exact.ts.
 */
import { checkLimitExact, keyOf } from './promises-log-limiter-exact.js';
import { coordinatorCrashes } from './promises-state.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** 8. Every refusal is either logged or counted in a later line's `suppressed`. */
export function checkLogLimiter(view: HistoryView): Violation[] {
  const resets = new Set(coordinatorCrashes(view).map((c) => c.index));
  const counts = new Map<string, { events: number; lines: number; suppressed: number }>();
  const reported = new Set<string>();
  const out: Violation[] = [];
  for (const r of view.records) {
    if (resets.has(r.index)) counts.clear();
    const isLog = r.process === 'log' && r.f === 'note' && typeof r.value.key === 'string' && r.value.worker === undefined;
    const key = isLog ? String(r.value.key) : r.process === 'coordinator' ? keyOf(r.f, r.value) : undefined;
    if (key === undefined) continue;
    const c = counts.get(key) ?? { events: 0, lines: 0, suppressed: 0 };
    counts.set(key, c);
    if (!isLog) {
      c.events++;
      continue;
    }
    c.lines++;
    c.suppressed += typeof r.value.suppressed === 'number' ? r.value.suppressed : 0;
    if (c.lines + c.suppressed === c.events || reported.has(key)) continue;
    reported.add(key);
    out.push(
      violation(view.records, 'auth', `the coordinator's log accounts for ${c.lines + c.suppressed} of ${c.events} ${key} refusals by t=${r.time} (${c.lines} lines logged, ${c.suppressed} reported suppressed): a rate-limited log must say how many it dropped`, {
        index: r.index,
      }),
    );
  }
  return [...out, ...checkLimitExact(view)];
}
