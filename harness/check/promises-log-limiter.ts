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
 * And the limit is counted exactly (blind set 16 #25): the README documents
 * at most 10 lines per key per 10 s (the window opens at the first refusal
 * after the last one closed). Replaying the refusals' times through that rule
 * gives, for each refusal, whether it is logged and, for the first line of a
 * window, how many the previous window suppressed: the recorded lines must be
 * exactly those (an 11th line in a window, a line missing, a count one short).
 */
import { coordinatorCrashes } from './promises-state.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The limiter key of a refusal event, if it is one. */
function keyOf(type: string, value: Record<string, unknown>): string | undefined {
  if (type === 'auth_failed') return 'auth_failed';
  return type === 'protocol_error' ? `protocol_error:${String(value.code)}` : undefined;
}

/** 8. Every refusal is either logged or counted in a later line's `suppressed`. */
export function checkLogLimiter(view: HistoryView): Violation[] {
  const resets = new Set(coordinatorCrashes(view).map((c) => c.index));
  const counts = new Map<string, { events: number; lines: number; suppressed: number }>();
  const reported = new Set<string>();
  const out: Violation[] = [];
  for (const r of view.records) {
    if (resets.has(r.index)) counts.clear();
    const isLog = r.process === 'log' && r.f === 'note' && typeof r.value.key === 'string';
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
  return [...out, ...checkLimitExact(view, resets)];
}

/** The README's rejection log limit: lines per key per window, and the window. */
const REJECTION_LOG_LIMIT = { perWindow: 10, windowMs: 10_000 };

interface ModelWindow {
  start: number;
  count: number;
  suppressed: number;
}

/** The documented limiter's decision for one refusal at `t`: the `suppressed` its line reports, or undefined (no line). */
function decide(windows: Map<string, ModelWindow>, key: string, t: number): number | undefined {
  const w = windows.get(key);
  if (w === undefined || t - w.start >= REJECTION_LOG_LIMIT.windowMs) {
    windows.set(key, { start: t, count: 1, suppressed: 0 });
    return w?.suppressed ?? 0;
  }
  if (w.count < REJECTION_LOG_LIMIT.perWindow) {
    w.count++;
    return 0;
  }
  w.suppressed++;
  return undefined;
}

/** 8, exactly: the lines logged per key are the documented limiter's, refusal by refusal (see the file comment). */
function checkLimitExact(view: HistoryView, resets: ReadonlySet<number>): Violation[] {
  if (!view.records.some((r) => r.process === 'log' && r.f === 'note')) return [];
  const windows = new Map<string, ModelWindow>();
  const expected = new Map<string, { suppressed: number; at: number } | undefined>();
  const reported = new Set<string>();
  const out: Violation[] = [];
  const report = (key: string, index: number, msg: string): void => {
    if (reported.has(key)) return;
    reported.add(key);
    out.push(violation(view.records, 'auth', msg, { index }));
  };
  const limit = `at most ${REJECTION_LOG_LIMIT.perWindow} lines per key per ${REJECTION_LOG_LIMIT.windowMs / 1000} s`;
  for (const r of view.records) {
    if (resets.has(r.index)) {
      windows.clear();
      expected.clear();
    }
    const isLog = r.process === 'log' && r.f === 'note' && typeof r.value.key === 'string';
    const key = isLog ? String(r.value.key) : r.process === 'coordinator' ? keyOf(r.f, r.value) : undefined;
    if (key === undefined) continue;
    const due = expected.get(key);
    if (isLog) {
      const got = typeof r.value.suppressed === 'number' ? r.value.suppressed : 0;
      expected.delete(key);
      if (due === undefined) report(key, r.index, `the coordinator logged a ${key} refusal at t=${r.time} that its limit (${limit}) suppresses: more lines than the limit in that window`);
      else if (got !== due.suppressed) report(key, r.index, `the coordinator's ${key} line at t=${r.time} reports ${got} suppressed; ${limit}, the refusals of the window before it left ${due.suppressed} unlogged`);
      continue;
    }
    if (due !== undefined) report(key, r.index, `the coordinator did not log the ${key} refusal at t=${due.at}, which its limit (${limit}) lets through`);
    const suppressed = decide(windows, key, r.time);
    expected.set(key, suppressed === undefined ? undefined : { suppressed, at: r.time });
  }
  return out;
}
