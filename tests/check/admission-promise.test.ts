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
});
