/**
 * Part of 29, api-contract (with promise 18's "no phantom"): a listing paged
 * during the run (scenario `clientReads` read `listing`) shows only
 * executions that exist. A submission's executions are indexed at once (but
 * not listed) while their store write is in its commit window; if the write
 * fails, the submission is refused and they are removed from every index
 * (system/engine/committed.ts): as if never submitted. So an execution
 * listed on a page read when no submission was open (every submission
 * invoked before the page was answered before it; one answered
 * indeterminately stays open) must have been created by one that committed:
 * acknowledged, or seen `submitted` somewhere in the history. One that never
 * committed is a refused submission left in the listing (blind set 12 #06).
 * And nothing is listed before its submission committed: a page read before
 * an execution's `submitted` event (emitted as its commit lands) shows what a
 * failed commit would turn into a phantom (the engine hides submissions in
 * their commit window from reads: commit-or-no-trace).
 * Submissions the harness does not record (the HTTP adversary's) are not
 * accounted for: scenarios that page the listing under storage faults do not
 * run that adversary.
 */
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The part of a listing pass (promises-reads-walk.ts) judged here: items as [id, createdAt, listedAt?]. */
interface Pass {
  limit: number;
  items: readonly (readonly [string, number, number?])[];
}

/** [invoke time, answer time] of every recorded submission; an indeterminate or missing answer never closes it. */
function submitSpans(view: HistoryView): [number, number][] {
  const answered = new Map<number, number>();
  for (const r of view.records) {
    if (r.f === 'submit' && (r.type === 'ok' || r.type === 'fail') && typeof r.value.invoke === 'number') answered.set(r.value.invoke, r.time);
  }
  return view.records.filter((r) => r.f === 'submit' && r.type === 'invoke').map((r) => [r.time, answered.get(r.index) ?? Infinity]);
}

/** A judge of one pass's items against the submissions open when each page was read. */
export function listedPhantoms(view: HistoryView): (rec: HistoryRecord, pass: Pass) => Violation[] {
  const spans = submitSpans(view);
  const open = (t: number): boolean => spans.some(([from, to]) => from <= t && to >= t);
  return (rec, pass) => {
    const out: Violation[] = [];
    const seen = new Set<string>();
    for (const [id, createdAt, listedAt] of pass.items) {
      if (listedAt === undefined || seen.has(id)) continue;
      const committedAt = view.submitted.get(id)?.rec.time;
      const early = committedAt !== undefined && committedAt > listedAt;
      if (!early && (view.acked.has(id) || committedAt !== undefined || open(listedAt))) continue;
      seen.add(id);
      const what = early
        ? `before its submission committed (its 'submitted' event came at t=${committedAt}: an execution still in its commit window shown, which a failed commit would make a phantom)`
        : `with no submission open, but no submission created it (never acknowledged, never committed: a refused submission left in the listing)`;
      out.push(
        violation(view.records, 'api-contract', `listing paged during the run (${pass.limit} per page): ${id} (createdAt ${createdAt}) is listed on a page read at t=${listedAt}, ${what}`, {
          index: rec.index,
          executionId: id,
        }),
      );
    }
    return out;
  };
}
