/**
 * Part of 29, api-contract: the counts the API reports that no other rule
 * read, recomputed from the history (blind set 15's class "fields nobody
 * reads"), at the end-of-run listing and stats (promises-reads.ts):
 *
 * - each listed execution's `attempts` counts the attempts that ran or may
 *   have run (README, API): every `claimed` lease before the read but those
 *   its holder handed back without starting them (a `revoked`, `paused` or
 *   `cancelled` result for a lease that never went `running`: a refusal at
 *   capacity ran nothing), so at most the attempts the history saw start
 *   plus the one in flight and those whose lease ended with no word from
 *   their holder (expired, lost, cancelled by the client before a start).
 *   A claim or hand-back whose write a crash or a store failure later
 *   discarded may or may not be counted (the read may have seen it in
 *   memory before it was rolled back), so the count lies between what the
 *   facts give and what every record gives (session 33: refusals at
 *   capacity counted as attempts, `attempts: 3` for one run);
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

/** Outcomes by which a holder hands back an attempt; one it never started ran nothing. */
const HANDBACKS = new Set(['revoked', 'paused', 'cancelled']);

/** One claimed lease: whether its claim and hand-back are facts (not discarded), whether it went running. */
interface LeaseSeen {
  token: string;
  fact: boolean;
  ran: boolean;
  handedBack?: { fact: boolean };
}

/** Each execution's claimed leases before record `before`, in order, with what became of them. */
function leasesSeen(view: HistoryView, before: number): Map<string, LeaseSeen[]> {
  const out = new Map<string, LeaseSeen[]>();
  const byToken = new Map<string, LeaseSeen>();
  for (let i = 0; i < Math.min(before, view.records.length); i++) {
    const r = view.records[i] as HistoryRecord;
    if (r.process !== 'coordinator') continue;
    const id = String(r.value.executionId);
    if (r.f === 'claimed' && typeof r.value.leaseToken === 'string') {
      const lease: LeaseSeen = { token: r.value.leaseToken, fact: !view.discarded.has(r.index), ran: false };
      out.set(id, [...(out.get(id) ?? []), lease]);
      byToken.set(lease.token, lease);
    } else if (r.f === 'status' && r.value.to === 'running') {
      const current = out.get(id)?.at(-1);
      if (current !== undefined && current.handedBack === undefined) current.ran = true;
    } else if (r.f === 'result_recorded' && HANDBACKS.has(String(r.value.outcome))) {
      const lease = byToken.get(String(r.value.leaseToken));
      if (lease !== undefined && !lease.ran) lease.handedBack = { fact: !view.discarded.has(r.index) };
    }
  }
  return out;
}

/** The attempts a read may report from these leases: [what the facts give, what every record gives]. */
function attemptRange(leases: readonly LeaseSeen[]): { low: number; high: number; claims: number; unstarted: number } {
  let [low, high, unstarted] = [0, 0, 0];
  for (const l of leases) {
    if (l.handedBack !== undefined) unstarted += 1;
    if (l.fact && l.handedBack === undefined) low += 1;
    if (l.handedBack === undefined || !l.handedBack.fact) high += 1;
  }
  return { low, high, claims: leases.length, unstarted };
}

/** Each listed execution's attempts against its claims and its holders' hand-backs of attempts never started. */
export function attemptCountViolations(view: HistoryView, rec: HistoryRecord, items: readonly ListedExecution[]): Violation[] {
  const out: Violation[] = [];
  const leases = leasesSeen(view, rec.index);
  for (const [id, , , , , , , , , attempts] of items) {
    if (attempts === undefined || !view.submitted.has(id)) continue;
    const { low, high, claims, unstarted } = attemptRange(leases.get(id) ?? []);
    if (typeof attempts === 'number' && attempts >= low && attempts <= high) continue;
    const want = low === high ? `${low}` : `${low} to ${high}`;
    const handed = unstarted === 0 ? '' : `, ${unstarted} of them handed back by their holder without a start (a refusal at capacity, a pause or cancel before the start: no attempt ran)`;
    out.push(violation(view.records, 'api-contract', `listed ${id} says attempts ${JSON.stringify(attempts)}, but ${want} attempt(s) ran or may have run before the read (${claims} claimed${handed}): attempts counts the attempts that ran`, { index: rec.index, executionId: id }));
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
