/**
 * Synthetic histories for promise 8's accounting of a refusal flood
 * (harness/check/promises-log-limiter.ts, blind set 13 #22).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

/** n auth failures, the first `logged` of them logged, then one more after the window logged with `suppressed`. */
function flood(n: number, logged: number, suppressed: number): H {
  const h = new H();
  for (let i = 0; i < n; i++) {
    h.at(100 + i).emit('coordinator', { type: 'auth_failed', workerId: 'w1', connectionId: `c${i}`, reason: 'bad mac' });
    if (i < logged) h.rec.recordInfo({ key: 'auth_failed', suppressed: 0, incarnation: 1 }, 'log');
  }
  h.at(20_000).emit('coordinator', { type: 'auth_failed', workerId: 'w1', connectionId: 'late', reason: 'bad mac' });
  h.rec.recordInfo({ key: 'auth_failed', suppressed, incarnation: 1 }, 'log');
  return h;
}

describe('8 auth: a rate-limited log says how many refusals it dropped', () => {
  it('passes a flood whose dropped lines are reported by the next one', () => {
    expect(checkHistory(flood(15, 10, 5).history(), ['auth'], baseContext)).toEqual([]);
  });

  it('reports a flood whose next line says 0 were suppressed', () => {
    const v = checkHistory(flood(15, 10, 0).history(), ['auth'], baseContext).map((x) => x.message);
    expect(v).toEqual([
      expect.stringMatching(/accounts for 11 of 16 auth_failed refusals by t=20000 \(11 lines logged, 0 reported suppressed\)/),
      "the coordinator's auth_failed line at t=20000 reports 0 suppressed; at most 10 lines per key per 10 s, the window before it left 5 unlogged",
    ]);
  });
});

describe('8 auth: the rejection log limit is counted exactly (blind set 16 #25)', () => {
  const check = (h: H): string[] => checkHistory(h.history(), ['auth'], baseContext).map((x) => x.message);

  it('reports an 11th line in a window (the next counting one short), though the accounting adds up', () => {
    expect(check(flood(15, 11, 4))).toEqual([
      'the coordinator logged a auth_failed line at t=110 that its limit (at most 10 lines per key per 10 s) suppresses: more lines than the limit in that window',
    ]);
  });

  it('reports a refusal the limit lets through that was not logged', () => {
    expect(check(flood(15, 9, 6))).toEqual([
      'the coordinator did not log the auth_failed occurrence at t=109, which its limit (at most 10 lines per key per 10 s) lets through',
    ]);
  });

  it('counts a new window from the first refusal after the last one closed (a line with 0 suppressed)', () => {
    const h = flood(3, 3, 0);
    h.at(30_005).emit('coordinator', { type: 'auth_failed', workerId: 'w1', connectionId: 'later', reason: 'bad mac' });
    h.rec.recordInfo({ key: 'auth_failed', suppressed: 0, incarnation: 1 }, 'log');
    expect(check(h)).toEqual([]);
  });
});

describe("8 auth: a worker's connect-failure log is limited exactly (5 lines per 30 s)", () => {
  const check = (h: H): string[] => checkHistory(h.history(), ['auth'], baseContext).map((x) => x.message);
  /** w1 fails to connect `n` times (connecting, its line if among the first `logged`, backoff), one every 100 ms from t=100. */
  function failing(n: number, logged: number): H {
    const h = new H();
    for (let i = 0; i < n; i++) {
      h.at(100 + 100 * i).emit('w1', { type: 'connecting', workerId: 'w1', attempt: i + 1 });
      if (i < logged) h.rec.recordInfo({ key: 'connect', suppressed: 0, incarnation: 1, worker: 'w1' }, 'log');
      h.emit('w1', { type: 'backoff', workerId: 'w1', attempt: i + 2, delayMs: 100, strategy: 'fixed', floorMs: 100, capMs: 100 });
    }
    return h;
  }

  it('passes 5 lines for 8 failures in one window', () => {
    expect(check(failing(8, 5))).toEqual([]);
  });

  it('reports a 6th line in the window', () => {
    expect(check(failing(8, 6))).toEqual(['w1 logged a connect line at t=600 that its limit (at most 5 lines per key per 30 s) suppresses: more lines than the limit in that window']);
  });

  it('reports a failure the limit lets through that was not logged', () => {
    expect(check(failing(8, 4))).toEqual(['w1 did not log the connect occurrence at t=500, which its limit (at most 5 lines per key per 30 s) lets through']);
  });

  it('does not count a try that connected and was lost (disconnected before its backoff)', () => {
    const h = failing(5, 5);
    h.at(700).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 1 });
    h.emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: 'lost' });
    h.emit('w1', { type: 'backoff', workerId: 'w1', attempt: 2, delayMs: 100, strategy: 'fixed', floorMs: 100, capMs: 100 });
    expect(check(h)).toEqual([]);
  });
});
