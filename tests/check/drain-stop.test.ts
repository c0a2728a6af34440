/**
 * Synthetic histories for promise 25's bound on a drain that timed out
 * (harness/check/promises-drain-stop.ts, blind set 13 #26): the worker stops
 * within min(timeoutMs, handBackGraceMs) of the drain's timeout.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const drain = { id: 'f1', action: 'drain', target: 'w1', workers: ['w1'], params: { timeoutMs: 500 } };

function stoppedAt(t: number): H {
  const h = new H().connect('w1');
  h.at(1000).fault('start', drain);
  // The coordinator has the drain (promise 25: the session in force when the worker was told to stop gets it).
  h.emit('coordinator', { type: 'msg_delivered', workerId: 'w1', sessionId: 's-w1', connectionId: 'c1', dir: 'to_coordinator', seq: 1, msgType: 'drain', key: 'drain' });
  return h.at(t).emit('w1', { type: 'stopped', workerId: 'w1', reason: 'drain timed out' });
}

describe('25 drain: a drain that gave up stops within the hand-back grace', () => {
  it('passes a stop min(500, 2000) ms after the timeout', () => {
    expect(checkHistory(stoppedAt(2000).history(), ['drain'], baseContext)).toEqual([]);
  });

  it('reports a stop a whole grace (2000 ms) after a 500 ms drain timed out', () => {
    const v = checkHistory(stoppedAt(3500).history(), ['drain'], baseContext).map((x) => x.message);
    expect(v).toEqual([expect.stringMatching(/w1 stopped at t=3500 after its drain \(begun t=1000, timeoutMs 500\) times out at t=1500: .* = 500 ms, so it stops by t=2000/)]);
  });

  it('uses the configured grace when it is the smaller', () => {
    expect(checkHistory(stoppedAt(1700).history(), ['drain'], { ...baseContext, handBackGraceMs: 100 })).toEqual([]);
    expect(checkHistory(stoppedAt(1800).history(), ['drain'], { ...baseContext, handBackGraceMs: 100 })).toHaveLength(1);
  });

  it('reports a drain that gave up before its timeout (a long timer cut short)', () => {
    const v = checkHistory(stoppedAt(1300).history(), ['drain'], baseContext).map((x) => x.message);
    expect(v).toEqual([expect.stringMatching(/w1 stopped at t=1300 .* it gave up 200 ms before its timeout/)]);
  });
});
