/**
 * Blind set 21's wire rules on synthetic histories: each fires on a violating
 * history and stays quiet on its good neighbour. Promise 38: a `wire-bounds`
 * probe closed 4400 exactly when the schema refuses it
 * (harness/check/promises-wire-bounds.ts); promise 35: no abort listener left
 * on a long-lived stop signal once its connects settled
 * (harness/check/promises-hygiene.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const judged = (h: H, promise: 'wire' | 'hygiene'): string[] => checkHistory(h.history(), [promise], baseContext).map((v) => v.message);

function probe(h: H, schemaAccepts: boolean, closedWith: number | null, probe: 'at' | 'past' = 'past'): H {
  h.rec.recordInfo({ attack: 'wire-bounds', victim: 'w2', type: 'register', field: 'capabilities.concurrency', bound: '<= 10000', probe, schemaAccepts, sample: '{"v":2,"type":"register"}', closedWith }, 'adversary');
  return h;
}

describe('38 wire: the decoders at the schema\'s bounds', () => {
  it('passes a refused probe closed 4400 and an accepted one closed otherwise (or not closed)', () => {
    const h = new H().at(1400);
    probe(h, false, 4400);
    probe(h, true, 4405, 'at');
    probe(h, true, 4401, 'at');
    probe(h, true, null, 'at');
    expect(judged(h, 'wire')).toEqual([]);
  });

  it('reports a probe the schema refuses that got past the decoder', () => {
    const h = probe(new H().at(1400), false, 4426);
    expect(judged(h, 'wire')).toEqual([expect.stringMatching(/a "register" frame with capabilities\.concurrency one step past its bound \(<= 10000\), sent to the coordinator at t=1400 .*which the protocol's schema refuses, was closed 4426 instead of 4400/)]);
    expect(judged(probe(new H().at(1400), false, null), 'wire')).toEqual([expect.stringMatching(/was not closed instead of 4400/)]);
  });

  it('reports a probe the schema accepts that was refused as malformed', () => {
    const h = probe(new H().at(1400), true, 4400, 'at');
    expect(judged(h, 'wire')).toEqual([expect.stringMatching(/at its bound \(<= 10000\).*which the protocol's schema accepts, was refused as malformed \(4400\): the decoder is stricter than the schema/)]);
  });

  it('does not judge the note sent before the answer (no closedWith)', () => {
    const h = new H().at(1400);
    h.rec.recordInfo({ attack: 'wire-bounds', victim: 'w2', type: 'register', schemaAccepts: false }, 'adversary');
    expect(judged(h, 'wire')).toEqual([]);
  });
});

describe('35 hygiene: a long-lived stop signal after its connects settled', () => {
  const signal = (listeners: number, connects: number): H => {
    const h = new H().at(2000);
    h.rec.recordInfo({ connectSignal: { listeners, connects } }, 'adversary');
    return h;
  };

  it('passes no listener left after any number of connects', () => {
    expect(judged(signal(0, 290), 'hygiene')).toEqual([]);
  });

  it('reports listeners left by settled connects', () => {
    expect(judged(signal(7, 7), 'hygiene')).toEqual([expect.stringMatching(/after 7 settled connect\(s\) with one stop signal \(t=2000\), 7 abort listener\(s\) remain on it/)]);
  });
});
