/**
 * Part of 29, api-contract: what the HTTP API lists and counts agrees with
 * what the client read. At the end of a run the client pages through
 * GET /api/v1/executions at a small page size (and again with a status
 * filter) and reads GET /api/v1/stats (harness/scenario/api-reads.ts): in
 * simulation at the instant of the final read, live between two final reads
 * that agree (nothing changed meanwhile). Then:
 *
 * - every acknowledged execution the final read still finds (not pruned)
 *   appears exactly once in the paged listing, with the status the final
 *   read gave it, and nothing appears that no submission created (the
 *   history's `submitted` events and the acknowledgements are what exists);
 *   the filtered listing holds exactly the listed executions of its status,
 *   each once. A cursor that skips or repeats a record at each page
 *   boundary shows here.
 * - the stats count what the listing shows: `total` and each `byStatus`
 *   entry (counts of existing executions), and `retried` (executions that
 *   entered retrying at least once: system/engine/stats.ts) equals the
 *   listed executions whose statusHistory has a retrying entry, and
 *   `byKind` counts the listed ended executions of each kind (failed
 *   includes timeout), unless a prune ran (both keep pruned executions, a
 *   restart rebuilds them without: not exact then). `timedOut` (timed-out
 *   attempts, folded out of the API's statusHistory), `running`,
 *   `inFlight` and each listed `attempts` are judged in
 *   promises-reads-counts.ts. Judged only when the listing itself held.
 * - each listed ended execution carries the time it ended (completedAt, at
 *   its final terminal status change), and no other does
 *   (promises-reads-ended.ts).
 */
import type { HistoryRecord } from './history.js';
import { completedErrorViolations, derivedStatsViolations, durationViolations, historyChainViolations, queueNoteViolations } from './promises-reads-derived.js';
import { attemptCountViolations, statCountViolations } from './promises-reads-counts.js';
import { endedAtViolations } from './promises-reads-ended.js';
import { windowViolations } from './promises-reads-window.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/**
 * One listed execution: id, status, whether its statusHistory has a retrying
 * entry, kind; then its public statusHistory as [status, previous] pairs,
 * if completed, completedAt - startedAt (what the duration percentiles
 * sample), and the `error` it carries (JSON; null when it has none).
 */
export type ListedExecution = [
  id: string,
  status: string,
  retried: 0 | 1,
  kind: string,
  history?: [string, string | null][],
  ms?: number | null,
  error?: string | null,
  /** Its completedAt (null: none): promises-reads-ended.ts. */
  completedAt?: number | null,
  /** The spec fields with a documented default, as listed (promises-api-defaults.ts). */
  spec?: ListedSpec,
  /** Its `attempts` as listed (promises-reads-counts.ts). */
  attempts?: unknown,
];
/** What a listed execution says of the spec fields with a documented default. */
export interface ListedSpec {
  priority?: unknown;
  taskId?: unknown;
  retry?: unknown;
  timeoutMs?: unknown;
  metadata?: unknown;
  idempotencyKey?: unknown;
}
/** The part of GET /api/v1/stats the checker judges. */
export interface ApiStats {
  total: number;
  retried: number;
  byStatus: Record<string, number>;
  byKind: Record<string, { completed: number; failed: number; cancelled: number; successRate?: number | null }>;
  durationsMs?: { p50: number | null; p95: number | null; samples: number };
  /** Executions in the ready queue (may start now) and in the delay queue (waiting for a due time). */
  queueLength?: number;
  delayed?: number;
  /** Timed-out attempts, running executions, leases held (promises-reads-counts.ts). */
  timedOut?: unknown;
  running?: unknown;
  inFlight?: unknown;
}
type Listing = { items: ListedExecution[]; unended: boolean } | { error: number };

/** What the client read (a note `apiReads` in the history). */
export interface ApiReads {
  limit: number;
  all: Listing;
  filtered: ({ status: string } & { items: ListedExecution[]; unended: boolean }) | { error: number };
  stats: ApiStats | { error: number };
}

/** The last apiReads note, if the run made one. */
function readsOf(view: HistoryView): { rec: HistoryRecord; reads: ApiReads } | undefined {
  for (let i = view.records.length - 1; i >= 0; i--) {
    const rec = view.records[i] as HistoryRecord;
    if (rec.f === 'note' && typeof rec.value.apiReads === 'object' && rec.value.apiReads !== null) return { rec, reads: rec.value.apiReads as ApiReads };
  }
  return undefined;
}

const counts = (items: readonly ListedExecution[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const [id] of items) m.set(id, (m.get(id) ?? 0) + 1);
  return m;
};

/**
 * A read answered 500 is a violation, and so is a 4xx: the reads are valid
 * requests with a valid read token (the whole listing's empty filters are as
 * absent, blind set 12 #19); a 503 (the coordinator or its store down) is not judged.
 */
function refused(view: HistoryView, rec: HistoryRecord, what: string, r: object): Violation[] {
  if (!('error' in r) || typeof r.error !== 'number') return [];
  if (r.error === 500) return [violation(view.records, 'api-contract', `${what} was answered HTTP 500 at the end of the run`, { index: rec.index })];
  if (r.error >= 400 && r.error < 500) return [violation(view.records, 'api-contract', `${what} was answered HTTP ${r.error} at the end of the run: a valid read (a read token; empty filters are as absent) must be answered`, { index: rec.index })];
  return [];
}

/** The listing and stats reads judged against the final read (see the file comment). */
export function checkApiReads(view: HistoryView, toleranceMs = 0, durationSamples?: number): Violation[] {
  const found = readsOf(view);
  if (found === undefined) return queueNoteViolations(view);
  const { rec, reads } = found;
  const out = [...queueNoteViolations(view), ...refused(view, rec, 'GET /api/v1/executions?status=&taskId=', reads.all), ...refused(view, rec, 'the filtered listing', reads.filtered), ...refused(view, rec, 'GET /api/v1/stats', reads.stats)];
  if ('error' in reads.all) return out;
  const listing = [...listingViolations(view, rec, reads.limit, reads.all), ...filteredViolations(view, rec, reads)];
  out.push(...listing);
  out.push(...historyChainViolations(view, rec, reads.all.items), ...durationViolations(view, rec, reads.all.items), ...completedErrorViolations(view, rec, reads.all.items), ...endedAtViolations(view, rec, reads.all.items, toleranceMs));
  out.push(...attemptCountViolations(view, rec, reads.all.items));
  if (listing.length === 0 && !('error' in reads.stats)) out.push(...statsViolations(view, rec, reads.all.items, reads.stats), ...derivedStatsViolations(view, rec, reads.all.items, reads.stats), ...windowViolations(view, rec, reads.all.items, reads.stats, durationSamples), ...statCountViolations(view, rec, reads.stats));
  return out;
}

function listingViolations(view: HistoryView, rec: HistoryRecord, limit: number, all: { items: ListedExecution[]; unended: boolean }): Violation[] {
  const v = (message: string, executionId?: string): Violation => violation(view.records, 'api-contract', `paged listing (GET /api/v1/executions, ${limit} per page): ${message}`, { index: rec.index, executionId });
  const out: Violation[] = [];
  if (all.unended) out.push(v(`it did not end after ${all.items.length} entries (a cursor that leads back)`));
  const n = counts(all.items);
  const status = new Map(all.items.map(([id, s]) => [id, s]));
  const read = view.finalRead?.executions ?? {};
  for (const [id] of view.acked) {
    const seen = read[id];
    if (seen === undefined || seen === null) continue;
    const times = n.get(id) ?? 0;
    if (times !== 1) out.push(v(times === 0 ? `acknowledged ${id} (${seen} at the final read) is missing` : `${id} appears ${times} times`, id));
    else if (status.get(id) !== seen) out.push(v(`${id} is listed ${status.get(id)}, but the final read at the same instant shows ${seen}`, id));
  }
  for (const [id] of n) {
    if (view.acked.has(id) ? read[id] === null : !view.submitted.has(id)) {
      out.push(v(`${id} is listed, but ${view.acked.has(id) ? 'the final read finds no such execution' : 'no submission created it (never acknowledged, never seen submitted)'}`, id));
    }
  }
  return out;
}

function filteredViolations(view: HistoryView, rec: HistoryRecord, reads: ApiReads): Violation[] {
  const f = reads.filtered;
  if ('error' in f || 'error' in reads.all) return [];
  const v = (message: string, executionId?: string): Violation =>
    violation(view.records, 'api-contract', `paged listing with status=${f.status} (${reads.limit} per page): ${message}`, { index: rec.index, executionId });
  const out: Violation[] = [];
  if (f.unended) out.push(v(`it did not end after ${f.items.length} entries (a cursor that leads back)`));
  const n = counts(f.items);
  for (const [id, s] of f.items) if (s !== f.status) out.push(v(`${id} is listed with status ${s}`, id));
  const expected = new Set(reads.all.items.filter(([, s]) => s === f.status).map(([id]) => id));
  for (const id of expected) {
    const times = n.get(id) ?? 0;
    if (times !== 1) out.push(v(times === 0 ? `${id}, ${f.status} in the unfiltered listing, is missing` : `${id} appears ${times} times`, id));
  }
  return out;
}

function statsViolations(view: HistoryView, rec: HistoryRecord, items: readonly ListedExecution[], stats: ApiStats): Violation[] {
  const v = (message: string): Violation => violation(view.records, 'api-contract', `GET /api/v1/stats ${message}`, { index: rec.index });
  const out: Violation[] = [];
  if (stats.total !== items.length) out.push(v(`says total ${stats.total}, but the listing read at the same instant holds ${items.length} executions`));
  const byStatus = new Map<string, number>();
  for (const [, s] of items) byStatus.set(s, (byStatus.get(s) ?? 0) + 1);
  for (const s of [...new Set([...Object.keys(stats.byStatus), ...byStatus.keys()])].sort()) {
    const want = byStatus.get(s) ?? 0;
    if ((stats.byStatus[s] ?? 0) !== want) out.push(v(`counts ${stats.byStatus[s] ?? 0} ${s}, but the listing read at the same instant has ${want}`));
  }
  // retried and byKind keep pruned executions (a restart rebuilds them without): exact only when nothing was pruned.
  if (view.ofType('pruned').length > 0) return out;
  const retried = items.filter(([, , r]) => r === 1).length;
  if (stats.retried !== retried) out.push(v(`says retried ${stats.retried}, but ${retried} listed executions entered retrying (statusHistory) and none was pruned`));
  const kinds = kindCounts(items);
  for (const kind of [...new Set([...Object.keys(stats.byKind), ...kinds.keys()])].sort()) {
    const want = kinds.get(kind) ?? { completed: 0, failed: 0, cancelled: 0 };
    const got = stats.byKind[kind] ?? { completed: 0, failed: 0, cancelled: 0 };
    for (const k of ['completed', 'failed', 'cancelled'] as const) {
      if (got[k] !== want[k]) out.push(v(`counts ${got[k]} ${k} ${kind} executions (byKind), but the listing has ${want[k]} and none was pruned`));
    }
  }
  return out;
}

/** Ended executions per kind as byKind counts them: completed, failed (failed or timeout), cancelled. */
function kindCounts(items: readonly ListedExecution[]): Map<string, { completed: number; failed: number; cancelled: number }> {
  const m = new Map<string, { completed: number; failed: number; cancelled: number }>();
  for (const [, status, , kind] of items) {
    const bucket = status === 'completed' ? 'completed' : status === 'cancelled' ? 'cancelled' : status === 'failed' || status === 'timeout' ? 'failed' : undefined;
    if (bucket === undefined) continue;
    const c = m.get(kind) ?? { completed: 0, failed: 0, cancelled: 0 };
    c[bucket]++;
    m.set(kind, c);
  }
  return m;
}
