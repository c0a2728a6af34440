/**
 * Synthetic histories for blind set 15's "fields nobody reads" class: the
 * numbers a task kind reports in its result (16, promises-task-numbers.ts)
 * and the dashboard feed's events, push by push (29,
 * promises-dashboard-events.ts). Each rule passes the history the real
 * system leaves and reports the defect's.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { PromiseName } from '../../harness/check/promises.js';
import { H, baseContext } from './builder.js';

const check = (h: H, p: PromiseName): string[] => checkHistory(h.history(), [p], baseContext).map((v) => `${v.promise.name}: ${v.message}`);

/** x (kind, params) claimed at t=10, started at 20, finished at `doneAt`, its result read back at the end as `result`. */
function readBack(kind: string, params: unknown, doneAt: number, result: unknown, checkpointSeq?: number): H {
  const h = new H().connect('w1').at(5);
  const k = h.rec.recordInvoke({ ref: 'x', kind, tasks: [{ kind, params }] });
  h.emit('coordinator', { type: 'submitted', executionId: 'x', kind, dependencies: [], maxAttempts: 1, priority: 'medium' });
  h.status('x', null, 'scheduled', 0);
  h.rec.recordOk(k, { executionIds: ['x'] });
  h.at(10).claim('x', 'w1', 1, 'l1', checkpointSeq).at(20).start('x', 'w1', 1, 'l1');
  h.at(doneAt).finish('x', 'w1', 1, 'l1');
  h.at(doneAt + 10).rec.recordInfo({ taskNumbers: { x: { result } } });
  return h;
}

describe('16 task-contract: the numbers in a completed cpu or sleep result are what the history measured', () => {
  it('passes a cpu whose tookMs is the burn, and a sleep that slept its duration or the rest of its checkpoint', () => {
    expect(check(readBack('cpu', { ms: 500 }, 520, { ms: 500, tookMs: 500 }), 'task-contract')).toEqual([]);
    expect(check(readBack('sleep', { durationMs: 500 }, 520, { sleptMs: 500, elapsedMs: 500, resumedFromMs: 0 }), 'task-contract')).toEqual([]);
    expect(check(readBack('sleep', { durationMs: 500 }, 520, { sleptMs: 300, elapsedMs: 500, resumedFromMs: 200 }, 2), 'task-contract')).toEqual([]);
  });

  it('reports a cpu tookMs from two clocks (epoch-sized), one shorter than the burn, and a wrong ms', () => {
    expect(check(readBack('cpu', { ms: 500 }, 520, { ms: 500, tookMs: 1_893_456_000_500 }), 'task-contract')).toEqual([
      expect.stringMatching(/cpu \{"ms":500\} read back at the end: its result says tookMs 1893456000500, but the burn of 500 ms ran in an attempt of 500 ms \(t=20\.\.520 on w1\): tookMs is at least 500 and at most 500 \(\+100\)/),
    ]);
    expect(check(readBack('cpu', { ms: 500 }, 520, { ms: 500, tookMs: 5 }), 'task-contract')).toEqual([expect.stringMatching(/says tookMs 5, but the burn of 500 ms/)]);
    expect(check(readBack('cpu', { ms: 500 }, 520, { ms: 50, tookMs: 500 }), 'task-contract')).toEqual([expect.stringMatching(/its result says ms 50, but 500 was submitted/)]);
  });

  it('reports a sleep whose numbers do not add up, resume from no checkpoint, or exceed what its attempt ran', () => {
    expect(check(readBack('sleep', { durationMs: 500 }, 520, { sleptMs: 500, elapsedMs: 400, resumedFromMs: 0 }), 'task-contract')).toEqual([expect.stringMatching(/a completed sleep has elapsed its whole 500 ms/)]);
    expect(check(readBack('sleep', { durationMs: 500 }, 520, { sleptMs: 500, elapsedMs: 500, resumedFromMs: 100 }), 'task-contract')).toEqual([expect.stringMatching(/sleptMs \+ resumedFromMs = 500/)]);
    expect(check(readBack('sleep', { durationMs: 500 }, 420, { sleptMs: 400, elapsedMs: 500, resumedFromMs: 100 }), 'task-contract')).toEqual([expect.stringMatching(/resumed from no checkpoint: resumedFromMs 0/)]);
    expect(check(readBack('sleep', { durationMs: 500 }, 220, { sleptMs: 500, elapsedMs: 500, resumedFromMs: 0 }), 'task-contract')).toEqual([
      expect.stringMatching(/completed 200 ms after its first start, but it takes at least 500 ms/),
      expect.stringMatching(/its attempt ran 200 ms \(t=20\.\.220 on w1\): it cannot have slept 500 ms/),
    ]);
    expect(check(readBack('sleep', { durationMs: 500 }, 520, { paused: true }), 'task-contract')).toEqual([expect.stringMatching(/a completed sleep reports sleptMs, elapsedMs and resumedFromMs as numbers/)]);
  });
});
