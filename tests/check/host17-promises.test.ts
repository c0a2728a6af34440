/**
 * Synthetic histories for the rules of blind set 17's host faults: every
 * HTTP submission gets an answer, none waits past the store's bound for one
 * (promise 29, harness/check/promises-api-answers.ts), and no store write a
 * coordinator crash cut off had waited past that bound (promise 19,
 * harness/check/promises-commit-latency.ts). Each good history passes and
 * its one-change neighbour fails.
 */
import { describe, expect, it } from 'vitest';
import { CommitLatency } from '../../harness/check/commit-latency.js';
import type { CheckContext } from '../../harness/check/context.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

/** With the simulated SQLite thread: writes commit within 77 ms. */
const ctx: CheckContext = { ...baseContext, storeCommitBoundMs: 77 };
const fault = (h: H, t: number, action: string): H => h.at(t).fault('start', { id: 'f1', action, target: 'coordinator', workers: [], coordinator: true });

/** One submission sent at 100; answered `how` at `answerAt` (no answer: undefined). */
function submission(how: 'ok' | 'died' | 'refused' | undefined, answerAt: number, action = 'store_thread_death'): H {
  const h = fault(new H(), 50, action);
  const i = h.at(100).rec.recordInvoke({ ref: 'item1#1', kind: 'echo', tasks: [{ kind: 'echo', params: {} }] });
  h.at(answerAt);
  if (how === 'ok') h.rec.recordOk(i, { executionIds: ['e1'] });
  if (how === 'died') h.rec.recordFail(i, { code: 'unavailable', message: 'coordinator died before answering' }, true);
  if (how === 'refused') h.rec.recordFail(i, { code: 'store_unavailable', message: 'store failing', status: 503 });
  return h.at(3000).phase('end');
}
const answers = (h: H): string[] => checkHistory(h.history(), ['api-contract'], ctx).map((v) => v.message).filter((m) => m.startsWith('a submission'));

describe('29 api-contract: every HTTP request gets an answer (set 17 #25)', () => {
  it('passes a submission answered, refused 503 at once, or cut off by a crash within the store bound', () => {
    expect(answers(submission('ok', 130))).toEqual([]);
    expect(answers(submission('refused', 101))).toEqual([]);
    expect(answers(submission('died', 200))).toEqual([]);
  });

  it('reports a submission never answered, and one answered only by its coordinator\'s death long after', () => {
    expect(answers(submission(undefined, 100))).toEqual([expect.stringMatching(/^a submission \(item1#1\) sent at t=100 was never answered by the end of the run/)]);
    expect(answers(submission('died', 900))).toEqual([expect.stringMatching(/^a submission \(item1#1\) sent at t=100 got no answer until its coordinator died at t=900, 800 ms later: .* within the store's bound \(77 ms, \+ 100 ms tolerance\)/)]);
  });

  it('does not judge the wait under a disk fault (a slow disk delays commits by design)', () => {
    expect(answers(submission('died', 900, 'slow_disk'))).toEqual([]);
  });
});

/** A run whose coordinator crashed at `crashAt` with a checkpoint write staged at 600 still unsettled. */
function cutOff(crashAt: number, action = 'store_thread_death'): H {
  const latency = new CommitLatency();
  latency.staged(1, 'submit', 10);
  latency.committed(1, 40);
  latency.staged(2, 'saveCheckpoint', 600);
  latency.crashed(crashAt);
  const h = fault(new H(), 550, action);
  h.at(crashAt + 1000).rec.recordInfo({ storeCommits: latency.summary(crashAt + 1000) });
  return h.phase('end');
}
const health = (h: H): string[] => checkHistory(h.history(), ['store-health'], ctx).map((v) => v.message);

describe('19 store-health: no write is left hanging while its coordinator lives (set 17 #25)', () => {
  it('passes a write a crash cut off within the bound', () => {
    expect(health(cutOff(650))).toEqual([]);
  });

  it('reports a write a crash found still waiting past the bound', () => {
    expect(health(cutOff(1400))).toEqual([expect.stringMatching(/^a saveCheckpoint staged at t=600 was neither committed nor failed when the coordinator crashed at t=1400, 800 ms later \(the store's bound is 77 ms\)/)]);
  });

  it('does not judge it under a disk fault', () => {
    expect(health(cutOff(1400, 'disk_full'))).toEqual([]);
  });
});

describe('10 liveness: a killed coordinator\'s late FIN is not a spurious disconnect', () => {
  /** w1 opens a connection at 1398; the coordinator restarts at 1400 (kill -9); w1 sees the close at 4771 (its FIN held up); with `reconnectedAt`, w1 had connected again before. */
  function lateFin(reconnectedAt?: number): string[] {
    const h = new H().at(1398).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 1, handshakeTimeoutMs: 5000 });
    h.at(1400).fault('start', { id: 'f1', action: 'restart', target: 'coordinator', workers: [], coordinator: true });
    h.at(2000).fault('stop', { id: 'f1', action: 'restart', target: 'coordinator', workers: [], coordinator: true });
    if (reconnectedAt !== undefined) h.at(reconnectedAt).emit('w1', { type: 'connected', workerId: 'w1', sessionId: 's1', resumed: false, afterMs: 5 });
    h.at(4771).emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: 'connection closed' });
    return checkHistory(h.at(6000).phase('end').history(), ['liveness'], baseContext).map((v) => v.message).filter((m) => m.includes('spurious'));
  }

  it('passes the close of a connection the worker opened before the kill, within the late-FIN bound', () => {
    expect(lateFin()).toEqual([]);
  });

  it('reports it once the worker had connected again after the kill', () => {
    expect(lateFin(2500)).toEqual([expect.stringMatching(/^the worker side dropped w1's connection at t=4771 \(code 1006: connection closed\) though no fault touched it/)]);
  });
});
