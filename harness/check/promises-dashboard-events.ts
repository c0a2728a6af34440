/**
 * Part of 29, api-contract: the dashboard's live feed (GET /ui/events, which
 * `squall executions watch` follows too) carries what happened, event by
 * event. The history holds every event the coordinator published to its
 * hub, in order; a stream may be sent those from the moment it attached.
 * Judged on each feed the client held (client-dashboard.ts notes when it
 * attached and every event each push carried), push by push after the
 * snapshot:
 *
 * - the push's `dropped` and its events account for exactly the events
 *   the coordinator published since the previous push (since the attach,
 *   for the first): none twice, none unannounced;
 * - its events are those, in order, after the `dropped` oldest: the
 *   published sequence minus the ones the push announced as dropped.
 *
 * A stream that attached in the middle of a coalescing window that a burst
 * had already overflowed is cut from the first event after its attach;
 * counting the window's dropped events from the window's start instead
 * (blind set 15 #25) sends it the wrong events, or none, and the feed
 * misses what happened. Events compare by type, time (the emitter's `at`)
 * and execution or worker id.
 */
import type { HistoryRecord } from './history.js';
import { type DashboardFeed, feedsOf, OPS, type PushedEvent } from './promises-dashboard.js';
import type { HistoryView } from './view.js';
import { violation, type Violation } from './violation.js';

/** The coordinator's events among the history records [from, to), as a push carries them. */
function published(records: readonly HistoryRecord[], from: number, to: number): PushedEvent[] {
  const out: PushedEvent[] = [];
  for (let i = from; i < Math.min(to, records.length); i++) {
    const r = records[i] as HistoryRecord;
    if (r.process !== 'coordinator' || OPS.has(r.f)) continue;
    out.push([r.f, typeof r.value.at === 'number' ? r.value.at : r.time, String(r.value.executionId ?? r.value.workerId ?? '')]);
  }
  return out;
}

const show = (e: PushedEvent | undefined): string => (e === undefined ? 'nothing' : `${e[0]} ${e[2]} (at ${e[1]})`.replace('  ', ' '));

/** The first place where `got` differs from `want`, as text, or undefined. */
function firstDifference(got: readonly PushedEvent[], want: readonly PushedEvent[]): string | undefined {
  for (let i = 0; i < Math.max(got.length, want.length); i++) {
    if (got[i]?.join('|') !== want[i]?.join('|')) return `its event ${i + 1} is ${show(got[i])}, but the coordinator's event there was ${show(want[i])}`;
  }
  return undefined;
}

/** Each push's events against what the coordinator published from the stream's attach on (see the file comment). */
function feedEventViolations(view: HistoryView, feed: DashboardFeed): string[] {
  const { attached, carried } = feed;
  if (attached === undefined || carried === undefined || carried.length !== feed.pushes.length) return [];
  const out: string[] = [];
  let from = attached;
  for (let i = 1; i < feed.pushes.length; i++) {
    const [at, , dropped, records] = feed.pushes[i] as DashboardFeed['pushes'][number];
    const events = carried[i] as PushedEvent[];
    if (records === undefined || dropped < 0) return out;
    const since = published(view.records, from, records);
    from = records;
    if (dropped + events.length !== since.length) {
      out.push(`the push at t=${at} accounts for ${dropped} dropped + ${events.length} carried events, but the coordinator published ${since.length} since ${i === 1 ? 'the stream attached' : 'the previous push'}: each push accounts for every event since the last, none twice`);
      continue;
    }
    const wrong = firstDifference(events, since.slice(dropped));
    if (wrong !== undefined) out.push(`the push at t=${at} (${dropped} dropped, ${events.length} carried) is not the events published since the ${i === 1 ? 'stream attached' : 'previous push'} minus the ${dropped} oldest: ${wrong}`);
  }
  return out;
}

/** Every dashboard feed's events, push by push (see the file comment). */
export function checkDashboardEvents(view: HistoryView): Violation[] {
  return feedsOf(view).flatMap(({ rec, feed }) => feedEventViolations(view, feed).map((m) => violation(view.records, 'api-contract', `dashboard feed (GET /ui/events, opened t=${feed.openedAt}): ${m}`, { index: rec.index })));
}
