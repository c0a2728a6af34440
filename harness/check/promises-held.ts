/**
 * Promise 35 (hygiene), per-execution memory: what the coordinator's engine
 * and store keep in memory for an execution is bounded by its life. At the
 * final read (harness/scenario/hygiene-watch.ts heldMemory, through the
 * seams Engine.heldExecutions and SqliteStore.heldExecutions):
 *
 * - a work map (leases, timeout timers, queues, pause requests, submits in
 *   flight, the SQLite store's history counts) holds no execution that
 *   ended, whatever its terminal status (failed, cancelled, timeout, as well
 *   as completed: set 18 #15, the store forgot only completed ones);
 * - no map at all (indexes too: sequence numbers, idempotency keys,
 *   dependents, deferred events, commits in their window) holds an
 *   execution the engine no longer knows (pruned by retention): memory
 *   growing with the work done is a leak however slowly it grows.
 * - the maps keyed by lease token (the engine's lost and unconfirmed
 *   leases) are work maps of the tokens' executions (resolved through the
 *   history's events): a lease lives within its execution's life.
 * - right after a refused submission (its store commit failed: the
 *   `heldAfterRefusal` notes of harness/scenario/refusal-watch.ts, taken
 *   1 ms after the failed write, before any reload), no map holds an
 *   execution the engine does not know: a rolled-back submission leaves no
 *   trace in any index (blind set 19 #12: kept in its dependencies'
 *   dependents lists until the next reload, a leak growing with storage
 *   trouble, and dependentsOf naming an execution not found).
 */
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import { violation, type Violation } from './violation.js';

/**
 * One per-execution map entry as noted (harness/scenario/hygiene-watch.ts): which map, whether it is work or
 * an index, the execution and its status then (null: unknown, pruned).
 */
export interface HeldEntry {
  map: string;
  role: 'work' | 'index';
  id: string;
  status: string | null;
  /** For a map keyed by lease token: the token (id is its execution, or the token when no event names it). */
  token?: string;
}

function entryViolation(records: readonly HistoryRecord[], r: HistoryRecord, e: HeldEntry, size: number | undefined): Violation {
  const what = e.status === null ? 'an execution the engine no longer knows (pruned by retention, or never known)' : `an execution that ended ${e.status}`;
  const rule = e.status === null ? 'every map forgets an execution when it is pruned' : 'memory for work under way is released when the work ends, whatever its terminal status';
  const held = e.token === undefined ? e.id : `lease ${e.token} of ${e.id === e.token ? 'no execution the history names' : e.id}`;
  return violation(records, 'hygiene', `at the final read (t=${r.time}) ${e.map} (${size ?? '?'} entries) still holds ${held}, ${what}: ${rule}, else it grows with the work done`, { index: r.index, executionId: e.id });
}

/** A rolled-back submission's leftover (every entry of a `heldAfterRefusal` note is of an unknown execution). */
function refusalViolation(records: readonly HistoryRecord[], r: HistoryRecord, e: HeldEntry, size: number | undefined, refusedAt: number): Violation {
  return violation(
    records,
    'hygiene',
    `right after a submission was refused at t=${refusedAt} (its store commit failed), ${e.map} (${size ?? '?'} entries) still holds ${e.id}, an execution the engine does not know (t=${r.time}): a rolled-back submission leaves no trace in any index, else each failed commit leaks an entry`,
    { index: r.index, executionId: e.id },
  );
}

type HeldNote = { counts: Record<string, number>; entries: HeldEntry[]; refusedAt?: number };

/** 35. At the final read, no per-execution map holds an ended execution (work maps) or an unknown one (any map); right after a refused submission, no map holds an unknown one; one violation per map and note. */
export function checkHeldMemory(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const r of view.records) {
    const after = r.f === 'note' ? (r.value.heldAfterRefusal as HeldNote | undefined) : undefined;
    if (after !== undefined) {
      const first = new Map<string, HeldEntry>();
      for (const e of after.entries) if (!first.has(e.map)) first.set(e.map, e);
      for (const e of first.values()) out.push(refusalViolation(view.records, r, e, after.counts[e.map], after.refusedAt ?? r.time));
    }
    const held = r.f === 'note' ? (r.value.heldMemory as HeldNote | undefined) : undefined;
    if (held === undefined) continue;
    const seen = new Set<string>();
    for (const e of held.entries) {
      const bad = e.status === null || e.role === 'work';
      if (!bad || seen.has(e.map)) continue;
      seen.add(e.map);
      out.push(entryViolation(view.records, r, e, held.counts[e.map]));
    }
  }
  return out;
}
