/**
 * Synthetic histories for promise 19's liveness reads (harness/check/promises-store.ts
 * livenessViolations, set 18 #10): /healthz is 503 exactly while the store check /readyz
 * names at the same instant is failing, at every read before, during and after an outage.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

type Read = [t: number, readyz: number, healthz: number, storeCheck: string, after: string];

function reads(list: readonly Read[]): H {
  const h = new H();
  for (const [t, readyz, healthz, storeCheck, after] of list) h.at(t).rec.recordInfo({ readyz, healthz, storeCheck, after });
  return h;
}

const messages = (h: H): string[] => checkHistory(h.history(), ['store-health'], baseContext).map((v) => v.message);

/** An outage from t=200 to t=400 and a graceful stop at t=900: each answer as the README says. */
const GOOD: Read[] = [
  [100, 200, 200, 'ok', 'poll'],
  [200, 503, 503, 'failing', 'store_unavailable'],
  [300, 503, 503, 'failing', 'poll'],
  [500, 200, 200, 'ok', 'poll'],
  [900, 503, 200, 'ok', 'shutdown'],
  [1000, 200, 200, 'ok', 'end'],
];

describe('19 store-health: liveness at every read', () => {
  it('passes liveness that fails exactly while the store cannot commit (not for a closed listener)', () => {
    expect(messages(reads(GOOD))).toEqual([]);
  });

  it('reports /healthz still 503 after the store recovered (judged by failures since start)', () => {
    const bad = GOOD.map((r): Read => (r[0] >= 500 && r[3] === 'ok' ? [r[0], r[1], 503, r[3], r[4]] : r));
    expect(messages(reads(bad))).toEqual([
      expect.stringMatching(/^\/healthz answered 503 on the read after poll \(t=500\) while the store could commit/),
      expect.stringMatching(/^\/healthz answered 503 on the read after shutdown \(t=900\)/),
      expect.stringMatching(/^\/healthz answered 503 on the read after end \(t=1000\)/),
    ]);
  });

  it('reports /healthz 200 while the store cannot commit (liveness hides the outage)', () => {
    const bad = GOOD.map((r): Read => (r[0] === 300 ? [300, 503, 200, 'failing', 'poll'] : r));
    expect(messages(reads(bad))).toEqual([expect.stringMatching(/^\/healthz answered 200 on the read after poll \(t=300\) while the store could not commit/)]);
  });

  it('reports a liveness failure for a closed listener (readiness, not liveness)', () => {
    const bad = GOOD.map((r): Read => (r[4] === 'shutdown' ? [900, 503, 503, 'ok', 'shutdown'] : r));
    expect(messages(reads(bad))).toEqual([expect.stringMatching(/^\/healthz answered 503 on the read after shutdown/)]);
  });
});
