/**
 * Part of 29, api-contract: the dashboard's live feed (GET /ui/events,
 * server-sent events; README, "Dashboard") says what happened: each push
 * carries the events since the previous push, the newest ones when there
 * were more than a push holds, and `dropped`, how many older ones it left
 * out since the previous push. Judged on the client's dashboard feeds
 * (scenario `clientReads` read `dashboard`,
 * harness/scenario/client-dashboard.ts):
 *
 * - the stream opens 200 with a snapshot push that carries no events and
 *   dropped 0;
 * - a push reports dropped events only when it is full: it carries as many
 *   events as the fullest push of the run (the feed's cap), since only a
 *   window past the cap drops any; a count carried into later, quieter
 *   pushes (blind set 12 #18: never reset after a push) shows here;
 * - the events a feed's pushes account for (carried + dropped) are never
 *   more than the coordinator emitted while it was open (the history
 *   records every coordinator event);
 * - a push's last event is the newest the coordinator emitted since the
 *   previous push (the history's last coordinator event between the two,
 *   by type, time and execution or worker): a burst past the cap keeps the
 *   newest events and drops older ones, never the reverse (blind set 13
 *   #07: the oldest kept, the latest status changes never shown).
 */
import { HARNESS_OPS, type HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** A pushed event as noted: its type, its time (the emitter's `at`), its execution or worker id ('' without). */
export type PushedEvent = [type: string, at: number, id: string];

/**
 * One dashboard stream as noted: when it opened (and its status), each push
 * as [time, events carried, dropped, history records when it came, its
 * last event], when it closed.
 */
export interface DashboardFeed {
  openedAt: number;
  status: number;
  pushes: [at: number, events: number, dropped: number, records?: number, newest?: PushedEvent][];
  closedAt?: number;
  /** History records when the stream attached: the coordinator events from there on are what it may be sent. */
  attached?: number;
  /** Every event each push carried, in order (aligned with pushes). */
  carried?: PushedEvent[][];
}

/** Records that are the harness's own, not system events. */
export const OPS: ReadonlySet<string> = new Set(HARNESS_OPS);

/** Every dashboard feed the client noted, with its note record. */
export function feedsOf(view: HistoryView): { rec: HistoryRecord; feed: DashboardFeed }[] {
  const out: { rec: HistoryRecord; feed: DashboardFeed }[] = [];
  for (const rec of view.records) if (rec.f === 'note' && typeof rec.value.dashboardFeed === 'object' && rec.value.dashboardFeed !== null) out.push({ rec, feed: rec.value.dashboardFeed as DashboardFeed });
  return out;
}

/** Every dashboard feed judged (see the file comment). */
export function checkDashboardFeeds(view: HistoryView): Violation[] {
  const feeds = feedsOf(view);
  const cap = Math.max(0, ...feeds.flatMap(({ feed }) => feed.pushes.map((p) => p[1])));
  return feeds.flatMap(({ rec, feed }) => {
    const v = (m: string): Violation => violation(view.records, 'api-contract', `dashboard feed (GET /ui/events, opened t=${feed.openedAt}): ${m}`, { index: rec.index });
    if (feed.status !== 200) return [v(`answered ${feed.status} to a read token`)];
    const out: Violation[] = [];
    const [first, ...rest] = feed.pushes;
    if (first !== undefined && (first[1] !== 0 || first[2] !== 0)) out.push(v(`its first push (the snapshot) carried ${first[1]} events and dropped ${first[2]}: a new stream starts with none and 0`));
    for (const [at, events, dropped] of rest) {
      if (dropped < 0 || events < 0) out.push(v(`the push at t=${at} has no events array or dropped count`));
      else if (dropped > 0 && events < cap) out.push(v(`the push at t=${at} reports ${dropped} dropped events but carries only ${events} (the fullest push carried ${cap}): a push drops events only when it is full, and its count is of that push's window (reset after each push)`));
    }
    const accounted = rest.reduce((n, p) => n + Math.max(0, p[1]) + Math.max(0, p[2]), 0);
    const emitted = view.records.filter((r) => r.process === 'coordinator' && !OPS.has(r.f) && r.time >= feed.openedAt && r.time <= (feed.closedAt ?? Infinity)).length;
    if (accounted > emitted) out.push(v(`its pushes account for ${accounted} events (carried + dropped), but the coordinator emitted ${emitted} while it was open`));
    out.push(...newestViolations(view, feed).map(v));
    return out;
  });
}

/** The coordinator's last event among the history records [from, to): as a push would carry it. */
function lastEmitted(view: HistoryView, from: number, to: number): PushedEvent | undefined {
  for (let i = Math.min(to, view.records.length) - 1; i >= from; i--) {
    const r = view.records[i] as HistoryRecord;
    if (r.process !== 'coordinator' || OPS.has(r.f)) continue;
    const at = typeof r.value.at === 'number' ? r.value.at : r.time;
    return [r.f, at, String(r.value.executionId ?? r.value.workerId ?? '')];
  }
  return undefined;
}

/** Each push's last event against the newest the coordinator emitted since the push before it. */
function newestViolations(view: HistoryView, feed: DashboardFeed): string[] {
  const out: string[] = [];
  for (let i = 1; i < feed.pushes.length; i++) {
    const [at, events, , records, newest] = feed.pushes[i] as DashboardFeed['pushes'][number];
    const from = feed.pushes[i - 1]?.[3];
    if (records === undefined || from === undefined || events <= 0 || newest === undefined) continue;
    const want = lastEmitted(view, from, records);
    if (want === undefined || want.join('|') === newest.join('|')) continue;
    out.push(`the push at t=${at} ends with ${newest[0]} ${newest[2]} (at ${newest[1]}), but the newest event the coordinator emitted before it was ${want[0]} ${want[2]} (at ${want[1]}): a push keeps the newest events`);
  }
  return out;
}
