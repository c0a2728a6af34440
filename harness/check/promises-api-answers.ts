/**
 * Promise 29 (api-contract), answers: every HTTP request gets one. The
 * simulated client records each submission's request (an `invoke`) and its
 * answer (`ok`, `fail`, or `info` when the outcome is unknown); the
 * coordinator answers a submission as soon as its store write settles,
 * committed or failed (a store that cannot commit answers 503
 * `store_unavailable` at once). So:
 *
 * - a submission still unanswered at the end of the run was never answered;
 * - a submission whose only answer was its coordinator's death (the client
 *   saw the connection die) had waited no longer than the store's commit
 *   bound (`storeCommitBoundMs`, with the simulated SQLite thread) plus the
 *   tolerance: one that waited longer hung on a write the store left
 *   unsettled (blind set 17 #25: the store's SQLite thread died and the
 *   writes it had outstanding were never failed, so their HTTP requests
 *   waited until the supervisor restarted the coordinator). Not judged with
 *   a disk fault in the run (a slow disk delays commits by design).
 */
import type { CheckContext } from './context.js';
import { isStorageAction } from './storage-actions.js';
import type { HistoryView } from './view.js';
import { type Violation, violation } from './violation.js';

/** What the client records when the coordinator it asked died before answering (harness/scenario/sim-client.ts). */
const DIED_BEFORE_ANSWERING = 'coordinator died before answering';

/** 29. Every submission is answered, and none waits past the store's bound for it (see the file comment). */
export function checkAnswered(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const answers = new Map<number, (typeof view.records)[number]>();
  for (const r of view.records) if (r.f === 'submit' && r.type !== 'invoke' && typeof r.value.invoke === 'number') answers.set(r.value.invoke, r);
  const bound = ctx.storeCommitBoundMs;
  const judged = bound !== undefined && !view.faults.some((f) => isStorageAction(String(f.details.action)) && f.details.action !== 'store_thread_death');
  for (const r of view.records) {
    if (r.f !== 'submit' || r.type !== 'invoke') continue;
    const a = answers.get(r.index);
    const what = `a submission (${String(r.value.ref ?? r.value.kind)}) sent at t=${r.time}`;
    if (a === undefined) {
      out.push(violation(view.records, 'api-contract', `${what} was never answered by the end of the run (t=${view.endAt}): every HTTP request gets an answer`, { index: r.index }));
      continue;
    }
    const error = a.value.error as { message?: unknown } | undefined;
    const waited = a.time - r.time;
    if (judged && error?.message === DIED_BEFORE_ANSWERING && waited > bound + ctx.toleranceMs) {
      out.push(
        violation(view.records, 'api-contract', `${what} got no answer until its coordinator died at t=${a.time}, ${waited} ms later: the coordinator answers a submission once its store write settles, committed or failed, within the store's bound (${bound} ms, + ${ctx.toleranceMs} ms tolerance)`, { index: a.index }),
      );
    }
  }
  return out;
}

/**
 * Answers as clients read them off the wire (harness/sim/http-answer.ts):
 * an answer's content-length is its body's length in UTF-8 bytes, so no
 * client reads one cut, and none finds another answer's bytes before its
 * own on a kept-alive connection (blind set 18 #07 declared the body's
 * UTF-16 length: non-ASCII answers cut, the next one on the connection
 * refused by the client's parser). The simulation notes every such fault
 * at the end (`httpWire`).
 */
export function checkWireFraming(view: HistoryView): Violation[] {
  const note = view.records.findLast((r) => r.f === 'note' && Array.isArray(r.value.httpWire));
  if (note === undefined) return [];
  return (note.value.httpWire as string[]).map((m) =>
    violation(view.records, 'api-contract', `${m}: an HTTP answer's content-length is its body's length in UTF-8 bytes, so a client reads it whole and the next answer on a kept-alive connection starts where it ends`, { index: note.index }),
  );
}
