/**
 * Part of promise 16, `task-contract`: task code that throws anything but a
 * SquallError (a plain Error, a TypeError, a string... as task code and
 * libraries such as dockerode throw) fails its attempt with the documented
 * code task_failed, which clients and alerts match on: GET
 * /api/v1/executions/{id} shows error.code task_failed, and each `retrying`
 * entry of its statusHistory says `attempt failed: task_failed; retry ...`
 * (README, HTTP API), never the thrown class's name (blind set 18 #18:
 * "Error", "TypeError"). Judged on the end-of-run reads
 * (harness/scenario/thrown-reads.ts, `thrownReads`) of executions whose
 * submitted task was a probe with `throws`.
 */
import type { TaskSubmitted } from './history.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** One execution as GET /api/v1/executions/{id} showed it: what its task threw, the answer's status, the execution's status, error code and retry reasons. */
export interface ThrownRead {
  throws: string;
  httpStatus: number;
  status: string;
  errorCode: string | null;
  retryReasons: string[];
}

const CODE = 'task_failed';
/** A retry reason's failure code: `attempt failed: <code>; retry ...`. */
const REASON = /^attempt failed: ([^;]*);/;

/** Every rule of this file (see the file comment), against the tasks the client submitted. */
export function checkThrown(view: HistoryView, tasks: ReadonlyMap<string, TaskSubmitted>): Violation[] {
  const note = view.records.findLast((r) => r.f === 'note' && r.value.thrownReads !== undefined);
  const reads = note?.value.thrownReads as Record<string, ThrownRead> | undefined;
  if (note === undefined || reads === undefined) return [];
  const out: Violation[] = [];
  for (const [id, read] of Object.entries(reads)) {
    const task = tasks.get(id);
    const throws = (task?.params as { throws?: unknown } | undefined)?.throws;
    if (task?.kind !== 'probe' || typeof throws !== 'string' || read.httpStatus !== 200) continue;
    const v = (m: string): Violation => violation(view.records, 'task-contract', `a probe throwing ${throws} ${m}: task code that throws anything but a SquallError fails with ${CODE}`, { index: note.index, executionId: id });
    if (read.status === 'failed' && read.errorCode !== CODE) out.push(v(`ended failed with error.code ${JSON.stringify(read.errorCode)}`));
    if (read.status === 'completed') out.push(v('completed'));
    for (const reason of read.retryReasons) {
      const code = REASON.exec(reason)?.[1];
      if (code !== undefined && code !== CODE && !/timed out/.test(reason)) out.push(v(`was retried with the reason ${JSON.stringify(reason)}`));
    }
  }
  return out;
}
