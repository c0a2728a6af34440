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
    expect(v).toEqual([expect.stringMatching(/accounts for 11 of 16 auth_failed refusals by t=20000 \(11 lines logged, 0 reported suppressed\)/)]);
  });
});
