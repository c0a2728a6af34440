/**
 * Part of 29, api-contract: the counts the API reports that no other rule
 * read, recomputed from the history (blind set 15's class "fields nobody
 * reads"), at the end-of-run listing and stats (promises-reads.ts):
 *
 * - each listed execution's `attempts` is how many attempts the engine
 *   claimed for it: the attempt number of its last `claimed` event before
 *   the read, 0 before any. A claim whose write a crash or a store failure
 *   later discarded may or may not be counted (the read may have seen it
 *   in memory before it was rolled back), so the count lies between the
 *   last claim that is a fact and the last claim at all;
 * - the stats' `running` is its own byStatus.running, and `inFlight` (the
 *   leases held) the executions it counts preparing or running, since a
 *   lease is held exactly from the claim (preparing) to the attempt's end;
 * - `timedOut`, the timed-out attempts, is the number of status changes to
 *   `timeout` in the history that are facts, when nothing was pruned
 *   (pruned executions stay counted until a restart rebuilds the count).
 */
import type { HistoryRecord } from './history.js';
import type { ApiStats, ListedExecution } from './promises-reads.js';
import type { HistoryView } from './view.js';
import { violation, type Violation } from './violation.js';

/** Each execution's last claim before record `before` (its attempt number): among facts, and among all (discarded ones too). */
function lastClaims(view: HistoryView, before: number): Map<string, { fact: number; any: number }> {
  const out = new Map<string, { fact: number; any: number }>();
  for (let i = 0; i < Math.min(before, view.records.length); i++) {
    const r = view.records[i] as HistoryRecord;
    if (r.f !== 'claimed' || r.process !== 'coordinator' || typeof r.value.attempt !== 'number') continue;
    const id = String(r.value.executionId);
    const c = out.get(id) ?? { fact: 0, any: 0 };
    c.any = Math.max(c.any, r.value.attempt);
    if (!view.discarded.has(r.index)) c.fact = Math.max(c.fact, r.value.attempt);
    out.set(id, c);
  }
  return out;
}

/** Each listed execution's attempts against its claims. */
export function attemptCountViolations(view: HistoryView, rec: HistoryRecord, items: readonly ListedExecution[]): Violation[] {
  const out: Violation[] = [];
  const claims = lastClaims(view, rec.index);
  for (const [id, , , , , , , , , attempts] of items) {
    if (attempts === undefined || !view.submitted.has(id)) continue;
    const { fact, any } = claims.get(id) ?? { fact: 0, any: 0 };
    if (typeof attempts === 'number' && attempts >= fact && attempts <= any) continue;
    const want = fact === any ? `${fact}` : `${fact} to ${any}`;
    out.push(violation(view.records, 'api-contract', `listed ${id} says attempts ${JSON.stringify(attempts)}, but the engine claimed ${want} attempt(s) of it before the read: attempts counts the attempts claimed`, { index: rec.index, executionId: id }));
  }
  return out;
}

/** The stats' running, inFlight and timedOut against its own counts and the history. */
export function statCountViolations(view: HistoryView, rec: HistoryRecord, stats: ApiStats): Violation[] {
  const v = (message: string): Violation => violation(view.records, 'api-contract', `GET /api/v1/stats ${message}`, { index: rec.index });
  const out: Violation[] = [];
  const [running, preparing] = [stats.byStatus.running ?? 0, stats.byStatus.preparing ?? 0];
  if (stats.running !== undefined && stats.running !== running) out.push(v(`says running ${JSON.stringify(stats.running)}, but its byStatus counts ${running} running`));
  if (stats.inFlight !== undefined && stats.inFlight !== running + preparing) out.push(v(`says inFlight ${JSON.stringify(stats.inFlight)}, but its byStatus counts ${preparing} preparing and ${running} running: the leases held`));
  if (stats.timedOut === undefined || view.ofType('pruned').length > 0) return out;
  const timedOut = view.ofType('status').filter((e) => e.ev.to === 'timeout' && e.rec.index < rec.index && !view.discarded.has(e.rec.index)).length;
  if (stats.timedOut !== timedOut) out.push(v(`says timedOut ${JSON.stringify(stats.timedOut)}, but ${timedOut} attempt(s) timed out (status changes to timeout) and none was pruned`));
  return out;
}
