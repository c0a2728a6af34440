/**
 * Part of 29, api-contract: a listing paged while the run goes on (scenario
 * `clientReads` read `listing`, harness/scenario/client-reads.ts). The
 * listing's order is createdAt, then id, with an opaque cursor, so that
 * pages never skip or repeat an execution even while executions are created,
 * change status and are pruned between two pages (system/engine/listing.ts).
 * For every pass:
 *
 * - no execution is listed twice, and each is listed after the one before it
 *   in that order (strictly ascending (createdAt, id));
 * - a pass that reached its last page lists every execution acknowledged
 *   before its first page that the coordinator still knew at its last page
 *   (what it knew then it knew throughout: a pruned execution never comes
 *   back; a pass the coordinator's restart cut short is not judged), so an
 *   execution created in the same millisecond as a page's last one and
 *   stepped over when that one was pruned shows here (blind set 11 #01);
 * - no page is refused but with 503 (the store down): every other pass sends
 *   its open filters empty (`status=&taskId=`), which is as absent (blind
 *   set 12 #19);
 * - nothing is listed that no submission created: promises-reads-phantom.ts.
 */
import type { HistoryRecord } from './history.js';
import { listedPhantoms } from './promises-reads-phantom.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** One pass (harness/scenario/client-reads.ts) of a paged listing, as noted in the history. */
export interface ListingPass {
  limit: number;
  startedAt: number;
  endedAt: number;
  /** Listed executions in order: [executionId, createdAt, listedAt (when its page was read; absent in older notes)]. */
  items: ListedItem[];
  /** Whether the last page (no nextCursor) was reached. */
  ended: boolean;
  /** Why the pass was cut short (a refused page, the coordinator down or restarted). */
  broken?: string;
  /** Executions acknowledged before startedAt that the coordinator no longer knew at endedAt. */
  gone: string[];
  /** The HTTP status of the page that cut the pass short, when one was refused. */
  refused?: number;
}

/** One listed execution of a pass: id, createdAt (coordinator clock), when its page was read (recorder clock). */
export type ListedItem = [id: string, createdAt: number, listedAt?: number];

function passesOf(view: HistoryView): { rec: HistoryRecord; pass: ListingPass }[] {
  const out: { rec: HistoryRecord; pass: ListingPass }[] = [];
  for (const rec of view.records) {
    if (rec.f === 'note' && typeof rec.value.listingPass === 'object' && rec.value.listingPass !== null) out.push({ rec, pass: rec.value.listingPass as ListingPass });
  }
  return out;
}

const after = (a: ListedItem, b: ListedItem): boolean => (a[1] !== b[1] ? a[1] > b[1] : a[0] > b[0]);

/** Every listing pass made during the run, judged (see the file comment). */
export function checkListingPasses(view: HistoryView): Violation[] {
  const phantoms = listedPhantoms(view);
  return passesOf(view).flatMap(({ rec, pass }) => [...passViolations(view, rec, pass), ...phantoms(rec, pass)]);
}

function passViolations(view: HistoryView, rec: HistoryRecord, pass: ListingPass): Violation[] {
  const what = `listing paged during the run (${pass.limit} per page, t=${pass.startedAt}..${pass.endedAt})`;
  const v = (message: string, executionId?: string): Violation => violation(view.records, 'api-contract', `${what}: ${message}`, { index: rec.index, executionId });
  const out: Violation[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < pass.items.length; i++) {
    const item = pass.items[i] as ListedItem;
    const prev = pass.items[i - 1];
    if (seen.has(item[0])) out.push(v(`${item[0]} is listed twice`, item[0]));
    else if (prev !== undefined && !after(item, prev)) out.push(v(`${item[0]} (createdAt ${item[1]}) is listed after ${prev[0]} (createdAt ${prev[1]}): not in (createdAt, id) order`, item[0]));
    seen.add(item[0]);
  }
  // A page is a valid request with a read token (empty filters are as absent): a 4xx or 500 refuses what must be answered.
  if (pass.refused !== undefined && pass.refused !== 503) out.push(v(`${pass.broken ?? `a page was answered HTTP ${pass.refused}`}: a valid page request must be answered`));
  if (!pass.ended || pass.broken !== undefined) return out;
  const gone = new Set(pass.gone);
  for (const [id, ack] of view.acked) {
    if (ack.ok.time >= pass.startedAt || gone.has(id) || seen.has(id)) continue;
    out.push(v(`${id}, acknowledged at t=${ack.ok.time} and still known at the last page, is missing (skipped between two pages)`, id));
  }
  return out;
}
