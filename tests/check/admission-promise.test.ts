/**
 * Promise 10 and admission control: a 4503 refusal while the coordinator's
 * handshakes in progress are at its limit is a deliberate close; one without
 * such a refusal, or a refusal below the limit, is reported.
 */
import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../harness/check/context.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const ctx: CheckContext = { ...baseContext, maxPendingHandshakes: 2 };
const liveness = (h: H, c: CheckContext = ctx): string[] => checkHistory(h.history(), ['liveness'], c).map((v) => v.message);

function refuse(h: H, w: string, pending: number): H {
  h.emit('coordinator', { type: 'admission_refused', connectionId: `c-${w}`, pending, retryAfterMs: 40 });
  return h.emit(w, { type: 'disconnected', workerId: w, code: 4503, reason: 'retry-after=40' });
}

describe('10 liveness: admission refusals', () => {
  it('excuses a 4503 at the limit, and reports one below it', () => {
    const h = new H().at(1);
    refuse(h, 'w1', 2);
    expect(liveness(h)).toEqual([]);
    const below = refuse(new H().at(1), 'w1', 1);
    expect(liveness(below)).toEqual([expect.stringMatching(/refused connection c-w1 at t=1 with 1 handshakes in progress, below its limit of 2/), expect.stringMatching(/dropped w1's connection at t=1 \(code 4503.*spurious disconnect/)]);
  });
  it('reports a 4503 close that no refusal explains', () => {
    const h = new H().at(1);
    h.emit('w1', { type: 'disconnected', workerId: 'w1', code: 4503, reason: 'retry-after=40' });
    expect(liveness(h)).toEqual([expect.stringMatching(/dropped w1's connection at t=1 \(code 4503.*spurious disconnect/)]);
  });
  it('does not judge refusals when the limit is unknown', () => {
    const h = refuse(new H().at(1), 'w1', 0);
    expect(liveness(h, { ...baseContext })).toEqual([]);
  });

  it('judges a hint against the registration gaps seen while busy, not idle ones (set 11 #12)', () => {
    // w1 and w2 register 200 ms apart, with w3's handshake open throughout when `busy`; 5 s later a connection is refused with `hintMs`.
    const herd = (hintMs: number, busy: boolean): H => {
      const h = new H().at(0);
      for (const w of busy ? ['w1', 'w2', 'w3'] : ['w1', 'w2']) h.emit(w, { type: 'connecting', workerId: w, attempt: 1 });
      for (const [w, t] of [['w1', 1], ['w2', 201]] as const) {
        h.at(t).emit('coordinator', { type: 'worker_registered', workerId: w, sessionId: `s-${w}`, resumed: false, connectionId: `c-${w}` });
        h.emit(w, { type: 'connected', workerId: w, sessionId: `s-${w}`, resumed: false, afterMs: t });
      }
      // A second herd: two handshakes in progress and the refused one.
      for (const w of ['w4', 'w5', 'w6']) h.at(4999).emit(w, { type: 'connecting', workerId: w, attempt: 1 });
      return h.at(5000).emit('coordinator', { type: 'admission_refused', connectionId: 'c3', pending: 2, retryAfterMs: hintMs });
    };
    expect(liveness(herd(600, true))).toEqual([]);
    expect(liveness(herd(50, false))).toEqual([]);
    expect(liveness(herd(1500, true))).toEqual([expect.stringMatching(/retry-after=1500 ms \(2 handshakes in progress, 1 refusals so far\): that hint implies registrations at least 499\.7 ms apart, yet no two registrations while busy were more than 200 ms apart/)]);
    expect(liveness(herd(600, false))).toEqual([expect.stringMatching(/retry-after=600 ms .* no two registrations while busy were more than 1 ms apart: the rate estimate took an idle gap/)]);
  });

  it('holds a taken 0-RTT hello to half the limit until its worker has its registered (PROTOCOL.md "0-RTT register")', () => {
    // Limit 4: at most 2 0-RTT registrations at once. `n` hellos registered at t=1, each worker told at `answeredAt`.
    const hellos = (n: number, answeredAt: number, zeroRtt = true): H => {
      const h = new H().at(0);
      const ws = Array.from({ length: n }, (_, i) => `w${i + 1}`);
      for (const w of ws) h.emit(w, { type: 'connecting', workerId: w, attempt: 1 });
      for (const w of ws) h.at(1).emit('coordinator', { type: 'worker_registered', workerId: w, sessionId: `s-${w}`, resumed: false, connectionId: `c-${w}` });
      for (const w of ws) h.at(answeredAt).emit(w, { type: 'connected', workerId: w, sessionId: `s-${w}`, resumed: false, afterMs: answeredAt, ...(zeroRtt ? { zeroRtt: true as const } : {}) });
      return h;
    };
    const four = { ...ctx, maxPendingHandshakes: 4 };
    expect(liveness(hellos(2, 6), four)).toEqual([]);
    expect(liveness(hellos(3, 6, false), four)).toEqual([]); // 2-RTT registrations: their slot ended at the register
    expect(liveness(hellos(3, 6), four)).toEqual([expect.stringMatching(/took w3's 0-RTT hello at t=1 while 2 other 0-RTT registrations still held their admission slots \(w1@1, w2@1.*3 hellos at once, above half its limit of 4 \(2\)/)]);
    // Told in the same ms as the next one's registration: its answer may have reached the coordinator first.
    const spread = new H().at(0);
    const reg = (w: string, t: number): H => spread.at(t).emit('coordinator', { type: 'worker_registered', workerId: w, sessionId: `s-${w}`, resumed: false, connectionId: `c-${w}` });
    const told = (w: string, t: number): H => spread.at(t).emit(w, { type: 'connected', workerId: w, sessionId: `s-${w}`, resumed: false, afterMs: 2, zeroRtt: true });
    reg('w1', 1);
    reg('w2', 2);
    told('w1', 3);
    reg('w3', 3);
    told('w2', 4);
    told('w3', 5);
    expect(liveness(spread, four)).toEqual([]);
  });
});
