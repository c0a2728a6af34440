/**
 * Promise 19 (store-health): the store commits what it accepted, in its
 * documented time. SqliteStore's group commit (system/store/sqlite-store.ts)
 * keeps one group in flight; what is issued meanwhile waits and goes as the
 * next group once it settles. So a write waits at most for the group in
 * flight and then for its own: with the simulated thread committing each
 * group within `sqliteThreadMs` (harness/sim/sim-sqlite-thread.ts), a write
 * commits within the commit window plus two groups (CheckContext
 * storeCommitBoundMs allows a third: a maxBatch flush may put one more in
 * flight). A write that waits longer waited for something else, such as the
 * next operation to be issued (blind set 11 #30: the queue not flushed when
 * the group in flight settled); one still uncommitted at the end of the run
 * past the bound never will be. A write fails as soon as the store knows it
 * cannot commit it: one that a coordinator crash found still waiting past
 * the bound was left hanging while its coordinator lived (blind set 17 #25:
 * the store's SQLite thread died and the requests it had outstanding were
 * never failed, so the submissions and results behind them never got an
 * answer until the supervisor's restart).
 *
 * Read from the run's `storeCommits` note (harness/check/commit-latency.ts).
 * Not judged in runs with disk faults (a slow or failing disk delays
 * commits by design; the death of the store's thread, `store_thread_death`,
 * is judged: it fails writes, it delays none) nor without a bound (no
 * simulated thread).
 */
import type { CommitLatencySummary } from './commit-latency.js';
import type { CheckContext } from './context.js';
import { isStorageAction } from './storage-actions.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** A fault of the disk under the store (every storage action but the death of its thread). */
const isDiskAction = (a: string): boolean => isStorageAction(a) && a !== 'store_thread_death';

/** 19. Every store write commits within the bound (see the file header). */
export function checkCommitLatency(view: HistoryView, ctx: CheckContext): Violation[] {
  const bound = ctx.storeCommitBoundMs;
  if (bound === undefined || view.faults.some((f) => isDiskAction(String(f.details.action)))) return [];
  const note = view.records.findLast((r) => r.f === 'note' && r.value.storeCommits !== undefined);
  const summary = note?.value.storeCommits as CommitLatencySummary | undefined;
  if (note === undefined || summary === undefined) return [];
  const out: Violation[] = [];
  const { slowest, waiting } = summary;
  if (slowest !== undefined && slowest.ms > bound) {
    out.push(
      violation(view.records, 'store-health', `a ${slowest.op} staged at t=${slowest.stagedAt} took ${slowest.ms} ms to commit, beyond the store's bound of ${bound} ms (the group in flight, then its own): it waited for something else than the commits ahead of it`, {
        index: note.index,
      }),
    );
  }
  const { cutOff } = summary;
  if (cutOff !== undefined && cutOff.ms > bound) {
    out.push(
      violation(view.records, 'store-health', `a ${cutOff.op} staged at t=${cutOff.stagedAt} was neither committed nor failed when the coordinator crashed at t=${cutOff.crashedAt}, ${cutOff.ms} ms later (the store's bound is ${bound} ms): the store left it hanging, and whatever waited on it (an HTTP answer, an acknowledgement) with it`, {
        index: note.index,
      }),
    );
  }
  if (waiting !== undefined && waiting.ms > bound) {
    out.push(
      violation(view.records, 'store-health', `a ${waiting.op} staged at t=${waiting.stagedAt} was still not committed at the end of the run, ${waiting.ms} ms later (the store's bound is ${bound} ms): the store left it waiting`, {
        index: note.index,
      }),
    );
  }
  return out;
}
