/**
 * Synthetic histories for what an aborted attempt keeps
 * (harness/check/promises-abort-progress.ts): a paused checkpointing attempt
 * returns and checkpoints after the pause (6), every abort reason ends with
 * its documented outcome (16), and a sleep resumed after pauses sleeps only
 * the rest (16). Each broken story is reported; its good neighbour passes.
 */
import { describe, expect, it } from 'vitest';
import type { PromiseName } from '../../harness/check/promises.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { CHECKPOINTING_KINDS } from '../../harness/check/promises-abort-progress.js';
import { builtinTaskKinds } from '../../system/tasks/registry.js';
import { H, baseContext } from './builder.js';

const check = (h: H, p: PromiseName): string[] => checkHistory(h.history(), [p], baseContext).map((v) => `${v.promise.name}: ${v.message}`);

function submitTask(h: H, id: string, kind: string, params: unknown): H {
  const i = h.rec.recordInvoke({ ref: id, kind, tasks: [{ kind, params }] });
  h.emit('coordinator', { type: 'submitted', executionId: id, kind, dependencies: [], maxAttempts: 3, priority: 'medium' });
  h.status(id, null, 'scheduled', 0);
  h.rec.recordOk(i, { executionIds: [id] });
  return h;
}

/** The worker aborts the attempt for `reason`, optionally checkpoints, ends it `outcome` (errorCode), and the coordinator records it. */
function aborted(h: H, id: string, attempt: number, token: string, reason: string, end: { outcome: string; errorCode?: string; checkpointSeq?: number; to?: string }): H {
  const lease = { executionId: id, workerId: 'w1', attempt, leaseToken: token };
  h.emit('w1', { type: 'task_aborted', ...lease, reason });
  if (end.checkpointSeq !== undefined) h.checkpoint(id, end.checkpointSeq, attempt);
  h.emit('w1', { type: 'task_finished', ...lease, outcome: end.outcome, ...(end.errorCode === undefined ? {} : { errorCode: end.errorCode }) });
  h.emit('coordinator', { type: 'lease_released', ...lease, reason: end.outcome });
  h.status(id, 'running', end.to ?? end.outcome, attempt);
  return h.emit('coordinator', { type: 'result_recorded', ...lease, outcome: end.outcome });
}

/** A 3 s sleep checkpointing every second: attempt 1 saves checkpoint 1 at 1 s and is paused at 1.7 s. */
function pausedSleep(end: { errorCode?: string; checkpointSeq?: number }, kind = 'sleep'): H {
  const h = new H().connect('w1');
  submitTask(h, 's', kind, kind === 'sleep' ? { durationMs: 3000, checkpointEveryMs: 1000 } : { ms: 3000 });
  h.claim('s', 'w1', 1, 't1').start('s', 'w1', 1, 't1').at(1000).checkpoint('s', 1, 1).at(1700);
  return aborted(h, 's', 1, 't1', 'pause', { outcome: 'paused', ...end });
}

describe('promise 6: a paused checkpointing attempt keeps its progress', () => {
  it('judges every builtin kind that documents checkpoints (a new one must be listed, with its progress rule)', () => {
    const documented = [...builtinTaskKinds().values()].filter((k) => /checkpoint/i.test(k.description ?? '')).map((k) => k.name);
    expect(documented.sort()).toEqual([...CHECKPOINTING_KINDS].sort());
  });

  it('reports a paused sleep that threw (no checkpoint after the pause); one that checkpointed and returned passes', () => {
    expect(check(pausedSleep({ errorCode: 'aborted' }), 'checkpoints')).toEqual([
      expect.stringMatching(/^checkpoints: sleep attempt 1 on w1, paused at t=1700, ended paused with error aborted: it threw instead of checkpointing its progress/),
    ]);
    expect(check(pausedSleep({ checkpointSeq: 2 }), 'checkpoints')).toEqual([]);
  });

  it('reports a paused sleep that returned without checkpointing after the pause', () => {
    expect(check(pausedSleep({}), 'checkpoints')).toEqual([
      expect.stringMatching(/^checkpoints: sleep attempt 1 on w1, paused at t=1700 and recorded paused at t=1700, saved no checkpoint after the pause/),
    ]);
  });

  it('does not judge a kind that keeps no progress (cpu restarts after a pause)', () => {
    expect(check(pausedSleep({ errorCode: 'aborted' }, 'cpu'), 'checkpoints')).toEqual([]);
  });
});

describe('promise 16: each abort reason ends as documented', () => {
  const story = (reason: string, end: { outcome: string; errorCode?: string }): string[] => {
    const h = new H().connect('w1');
    submitTask(h, 'x', 'echo', { value: 1 });
    h.claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1').at(500);
    aborted(h, 'x', 1, 't1', reason, { ...end, to: end.outcome === 'revoked' ? 'scheduled' : end.outcome });
    return check(h, 'task-contract').filter((m) => m.includes('aborted as'));
  };

  it('reports a timeout ended failed and a shutdown ended cancelled; the documented outcomes pass', () => {
    expect(story('timeout', { outcome: 'failed', errorCode: 'aborted' })).toEqual([expect.stringMatching(/aborted as "timeout" at t=500, ended failed \(error aborted\): a timeout ends timeout \(error timeout\)/)]);
    expect(story('shutdown', { outcome: 'cancelled', errorCode: 'aborted' })).toEqual([expect.stringMatching(/aborted as "shutdown" .* a shutdown ends revoked \(error aborted\)/)]);
    expect(story('timeout', { outcome: 'timeout', errorCode: 'aborted' })).toHaveLength(1);
    expect(story('timeout', { outcome: 'timeout', errorCode: 'timeout' })).toEqual([]);
    expect(story('shutdown', { outcome: 'revoked', errorCode: 'aborted' })).toEqual([]);
    expect(story('revoked', { outcome: 'revoked', errorCode: 'aborted' })).toEqual([]);
    expect(story('cancel', { outcome: 'cancelled', errorCode: 'aborted' })).toEqual([]);
    expect(story('pause', { outcome: 'paused', errorCode: 'aborted' })).toEqual([]);
  });

  it('reports a paused sleep that ended with an error: a checkpointing kind returns on a pause', () => {
    expect(check(pausedSleep({ errorCode: 'aborted', checkpointSeq: 2 }), 'task-contract')).toEqual([
      expect.stringMatching(/sleep attempt 1 on w1, aborted as "pause" at t=1700, ended paused \(error aborted\): a pause ends paused without an error/),
    ]);
  });
});

describe('promise 16: a sleep resumed after pauses sleeps only the rest', () => {
  const resumed = (ranMs: number, seq: number | undefined): string[] => {
    const h = pausedSleep({ checkpointSeq: 2 }).at(2000);
    h.claim('s', 'w1', 2, 't2', seq).start('s', 'w1', 2, 't2').at(2000 + ranMs).finish('s', 'w1', 2, 't2');
    return check(h, 'task-contract');
  };

  it('reports the resume that slept again what the paused attempt had slept; the one resumed from the pause passes', () => {
    expect(resumed(2000, 1)).toEqual([
      expect.stringMatching(/^task-contract: sleep 3000 ms: attempt 1 slept 1700 ms until its pause at t=1700, yet attempt 2 \(w1\) that completed after them ran 2000 ms \(at most 1300 \+ 100\)/),
    ]);
    expect(resumed(1300, 2)).toEqual([]);
  });

  it('sums a chain of pauses', () => {
    const h = pausedSleep({ checkpointSeq: 2 }).at(2000);
    h.claim('s', 'w1', 2, 't2', 2).start('s', 'w1', 2, 't2').at(2800);
    aborted(h, 's', 2, 't2', 'pause', { outcome: 'paused', checkpointSeq: 3 }).at(3000);
    h.claim('s', 'w1', 3, 't3', 3).start('s', 'w1', 3, 't3').at(4000).finish('s', 'w1', 3, 't3');
    expect(check(h, 'task-contract')).toEqual([expect.stringMatching(/attempt 1 slept 1700 ms .*, attempt 2 slept 800 ms .*, yet attempt 3 \(w1\) that completed after them ran 1000 ms \(at most 500 \+ 100\)/)]);
  });
});
