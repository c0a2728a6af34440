/**
 * 16 task-contract, on synthetic histories: task code that throws anything
 * but a SquallError fails with task_failed, in GET's error and in each retry
 * reason (harness/check/promises-thrown.ts). The simulation shows it caught
 * against a broken system (tests/sim/broken-data18.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { ThrownRead } from '../../harness/check/promises-thrown.js';
import { H, baseContext } from './builder.js';

const messages = (h: H): string[] => checkHistory(h.history(), ['task-contract'], baseContext).map((v) => v.message);

function thrown(reads: Record<string, Partial<ThrownRead> & { throws: string }>, kind = 'probe'): H {
  const h = new H().at(10);
  for (const [id, r] of Object.entries(reads)) {
    const k = h.rec.recordInvoke({ ref: id, kind, tasks: [{ kind, params: { throws: r.throws } }] });
    h.rec.recordOk(k, { executionIds: [id] });
  }
  const full = Object.fromEntries(Object.entries(reads).map(([id, r]) => [id, { httpStatus: 200, status: 'failed', errorCode: 'task_failed', retryReasons: ['attempt failed: task_failed; retry 1 of 1 in 100ms'], ...r }]));
  h.at(500).rec.recordInfo({ thrownReads: full });
  return h;
}

describe('16 task-contract: thrown Errors, TypeErrors, strings fail with task_failed', () => {
  it('passes task_failed in the error and every retry reason; a timeout reason is not judged', () => {
    expect(messages(thrown({ a: { throws: 'Error' }, b: { throws: 'TypeError', retryReasons: [] }, c: { throws: 'string', retryReasons: ['attempt timed out: timeout; retry 1 of 1 in 0ms'] } }))).toEqual([]);
  });

  it("reports the class name as the error code or in a retry reason, and a completion", () => {
    expect(messages(thrown({ a: { throws: 'Error', errorCode: 'Error' }, b: { throws: 'TypeError', retryReasons: ['attempt failed: TypeError; retry 1 of 2 in 100ms'] }, c: { throws: 'RangeError', status: 'completed', errorCode: null } }))).toEqual([
      'a probe throwing Error ended failed with error.code "Error": task code that throws anything but a SquallError fails with task_failed',
      'a probe throwing TypeError was retried with the reason "attempt failed: TypeError; retry 1 of 2 in 100ms": task code that throws anything but a SquallError fails with task_failed',
      'a probe throwing RangeError completed: task code that throws anything but a SquallError fails with task_failed',
    ]);
  });

  it('judges only probes the client submitted with throws, answered 200', () => {
    expect(messages(thrown({ a: { throws: 'Error', errorCode: 'Error' } }, 'echo'))).toEqual([]);
    expect(messages(thrown({ a: { throws: 'Error', errorCode: 'Error', httpStatus: 404 } }))).toEqual([]);
  });
});
