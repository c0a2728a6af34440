/**
 * Part of 29, api-contract: a listed execution's terminal time (blind set 12
 * #05). The API's `completedAt` is when the execution ended, whatever ended
 * it (its own attempt, a cancel, a timeout, or the dependency cascade that
 * fails its dependents: README, HTTP API): at the final read,
 *
 * - every listed execution in a terminal status (completed, failed,
 *   cancelled, timeout) carries a `completedAt`, and none that is not
 *   terminal carries one;
 * - it is the time of the status change that ended it: the engine's final
 *   terminal `status` event for it (both on the coordinator's clock), within
 *   the tolerance. Not judged when the history holds no such event (ended in
 *   a life whose events a crash discarded);
 * - every listed completed execution carries the time its final attempt
 *   started (`startedAt`, what its duration and the stats' percentiles are
 *   measured from): an attempt that completed ran, however short (blind set 13 #10: a start folded into
 *   its result left startedAt unset). A start kept from an earlier attempt
 *   shows in promises-reads-derived.ts (the duration longer than the final
 *   attempt).
 *
 * An item read by an older client (no completedAt field noted) is not judged.
 */
import type { HistoryRecord } from './history.js';
import type { ListedExecution } from './promises-reads.js';
import { finalTerminals, type HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

const TERMINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled', 'timeout']);

/** Each listed execution's completedAt against its status and its ending in the history (see the file comment). */
export function endedAtViolations(view: HistoryView, rec: HistoryRecord, items: readonly ListedExecution[], toleranceMs: number): Violation[] {
  const out: Violation[] = [];
  const v = (id: string, message: string): Violation => violation(view.records, 'api-contract', `listed ${id} ${message}`, { index: rec.index, executionId: id });
  for (const item of items) {
    const [id, status] = item;
    const completedAt = item[7];
    if (completedAt === undefined) continue;
    const terminal = TERMINAL.has(status);
    if (terminal && completedAt === null) {
      out.push(v(id, `is ${status} but carries no completedAt: an ended execution carries the time it ended`));
      continue;
    }
    if (!terminal && completedAt !== null) {
      out.push(v(id, `is ${status}, not ended, but carries completedAt ${completedAt}`));
      continue;
    }
    const started = startViolation(item);
    if (started !== undefined) out.push(v(id, started));
    const ended = finalTerminals(view.byExecution.get(id) ?? []).at(-1);
    if (completedAt === null || ended === undefined || Math.abs(completedAt - ended.ev.at) <= toleranceMs) continue;
    out.push(v(id, `carries completedAt ${completedAt}, but it ended ${ended.ev.to} at t=${ended.ev.at} (${ended.ev.reason ?? 'no reason'})`));
  }
  return out;
}

/** A listed completion without a start (see the file comment). */
function startViolation(item: ListedExecution): string | undefined {
  const [, status, , , , ms] = item;
  const completedAt = item[7];
  if (status !== 'completed' || typeof completedAt !== 'number') return undefined;
  // Not judged: a startedAt after completedAt (both wall-clock: a coordinator clock stepped back orders them so).
  return ms === null ? `is completed (completedAt ${completedAt}) but carries no startedAt: a completed attempt started, and its duration (completedAt - startedAt) is what the stats sample` : undefined;
}
