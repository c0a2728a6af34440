/**
 * Part of 29, api-contract: the event outputs are a faithful projection of
 * the store's history. Every status change of an execution is an engine
 * `status` event once it committed (interim ones, a retried attempt's
 * `failed` or `timeout`, a start folded into its result, go out with the
 * change that persists them), and the dashboard feed (GET /ui/events,
 * `squall executions watch`) and `--events-file` carry those events
 * (promises-dashboard-events.ts holds each feed to the history's events).
 * So, for every execution of the run, at the end:
 *
 * - the `to` of its coordinator status events (its creation's, from null,
 *   included), in order, are exactly the statuses of the store's
 *   statusHistory (the
 *   simulated MemoryStore's durable row, noted `eventProjection` by
 *   harness/scenario/status-projection.ts): none missing, none twice;
 * - folded as the API shows it (a `failed`/`timeout` entry right before
 *   `retrying` is one `retrying` entry), the same as its listed
 *   statusHistory (the end-of-run listing, `apiReads`), on either store.
 *
 * Judged when the run noted `eventProjection` (every simulated run does at
 * its end; a history without it, e.g. a live run's, is not judged).
 *
 * Blind set 22 #08 (a young-map's `withoutKey` that emptied a one-entry map
 * whatever the key) would wipe another execution's deferred events: its
 * interim status never reaches any event output while the store holds it.
 * Judged for an execution whose events all lie in one coordinator life and,
 * if the coordinator died after its first event, that had ended (its last
 * status event terminal) before: a crash between a commit and its event
 * loses that event by design. For the same reason an execution whose first
 * event is not its creation (from null) is not judged once the coordinator
 * has died before that event: its creation may have committed in the life
 * that died. An execution a storage fault touched (a
 * `store_failed` inside its span) is not judged: the reload rolls back.
 */
import type { HistoryRecord } from './history.js';
import { shownHistory } from './promises-control-store.js';
import type { ListedExecution } from './promises-reads.js';
import { TERMINAL_STATUSES } from './spec-tables.js';
import { affectsCoordinator, type Ev, type HistoryView, isStatus } from './view.js';
import { violation, type Violation } from './violation.js';

/** The last note of `key` in the history (a client's or the harness's), if any. */
function lastNote<T>(view: HistoryView, key: string): { rec: HistoryRecord; value: T } | undefined {
  for (let i = view.records.length - 1; i >= 0; i--) {
    const rec = view.records[i] as HistoryRecord;
    if (rec.f === 'note' && typeof rec.value[key] === 'object' && rec.value[key] !== null) return { rec, value: rec.value[key] as T };
  }
  return undefined;
}

/** Record indexes of the coordinator's deaths (kill, restart) and of its store's failures. */
function interruptions(view: HistoryView): { deaths: number[]; storeFailures: number[] } {
  const deaths = view.faults.filter((f) => (f.details.action === 'kill' || f.details.action === 'restart') && affectsCoordinator(f.details)).map((f) => f.start.index);
  const storeFailures = view.ofType('store_failed').map((e) => e.rec.index);
  return { deaths, storeFailures };
}

/** The execution's coordinator status events when they can be judged whole (see the file comment), else undefined. */
function judgedStatuses(view: HistoryView, id: string, stops: ReturnType<typeof interruptions>): Ev<'status'>[] | undefined {
  const events = (view.byExecution.get(id) ?? []).filter((e) => e.ev.source === 'coordinator');
  const first = events[0];
  if (first === undefined) return undefined;
  const statuses = events.filter(isStatus) as Ev<'status'>[];
  const last = statuses.at(-1);
  const end = (events.at(-1) as Ev).rec.index;
  if (stops.storeFailures.some((i) => i > first.rec.index && i <= end)) return undefined;
  // Created in an earlier life whose death fell inside the creation's commit window: the row is there, its event never went out.
  if (statuses[0]?.ev.from !== null && stops.deaths.some((i) => i < first.rec.index)) return undefined;
  const death = stops.deaths.find((i) => i > first.rec.index);
  if (death === undefined) return statuses;
  return end < death && last !== undefined && TERMINAL_STATUSES.has(last.ev.to) ? statuses : undefined;
}

const list = (xs: readonly string[]): string => `[${xs.join(', ')}]`;

/** The first place two status sequences differ, as text, or undefined. */
function difference(events: readonly string[], want: readonly string[]): string | undefined {
  for (let i = 0; i < Math.max(events.length, want.length); i++) {
    if (events[i] !== want[i]) return `change ${i + 1} is ${events[i] ?? 'missing'} in the events, ${want[i] ?? 'absent'} there`;
  }
  return undefined;
}

/** Every judged execution's status events against the store's rows and the listing (see the file comment). */
export function checkEventProjection(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const stops = interruptions(view);
  // Judged in a run that asked for it (the simulation notes it at its end; null store: SQLite, the listing alone).
  const asked = lastNote<{ store: Record<string, string> | null }>(view, 'eventProjection');
  if (asked === undefined) return out;
  const store = asked.value.store;
  const reads = lastNote<{ all?: { items?: ListedExecution[] } }>(view, 'apiReads');
  const rule = 'every status change the store records reaches the event stream (and so the dashboard feed and --events-file) once, in order';
  for (const [id, joined] of Object.entries(store ?? {})) {
    const statuses = judgedStatuses(view, id, stops);
    if (statuses === undefined || typeof joined !== 'string') continue;
    const got = statuses.map((e) => e.ev.to);
    const want = joined.split(',');
    const wrong = difference(got, want);
    if (wrong !== undefined) out.push(violation(view.records, 'api-contract', `${id}'s status events say ${list(got)}, but the store's statusHistory is ${list(want)} (${wrong}): ${rule}`, { index: asked.rec.index, executionId: id }));
  }
  for (const [id, , , , chain] of reads?.value.all?.items ?? []) {
    const statuses = chain === undefined ? undefined : judgedStatuses(view, id, stops);
    if (statuses === undefined || chain === undefined) continue;
    const got = shownHistory(statuses.map((e) => e.ev.to));
    const want = chain.map(([s]) => s);
    const wrong = difference(got, want);
    if (wrong !== undefined) out.push(violation(view.records, 'api-contract', `${id}'s status events, folded as the API shows them, say ${list(got)}, but its listed statusHistory is ${list(want)} (${wrong}): ${rule}`, { index: (reads as { rec: HistoryRecord }).rec.index, executionId: id }));
  }
  return out;
}
