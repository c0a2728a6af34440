/**
 * Synthetic histories for promise 30's liveness side
 * (harness/check/promises-retention-owed.ts, blind set 17 #02 and #11): what
 * the retention policy lets go is gone from reads once the next sweep is
 * past. The simulation catches a policy never applied and one applied
 * 1000 times too late (tests/sim/broken-opsconf17.test.ts); these pin the
 * rule's edges: age, count with ties, a live dependent, a restart.
 */
import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../harness/check/context.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const ctx = (retention: CheckContext['retention']): CheckContext => ({ ...baseContext, toleranceMs: 100, retention });
const messages = (h: H, c: CheckContext): string[] => checkHistory(h.history(), ['retention'], c).map((v) => v.message);

/** x completes at t=0, y at t=10 (both sleeps on w1). */
function twoDone(): H {
  return new H().connect('w1').submit('x').submit('y').run('x', 'w1', 1, 'x1').at(10).run('y', 'w1', 1, 'y1');
}

describe('30 retention: what the policy lets go is gone by the next sweep', () => {
  it('reports an execution older than maxAgeMs still read past owed + sweepMs + tolerance, not one read before', () => {
    const late = twoDone();
    late.at(300).rec.recordRead({ x: 'completed', y: 'completed' });
    expect(messages(late, ctx({ maxAgeMs: 100, sweepMs: 50 }))).toEqual([
      expect.stringMatching(/^x, completed at t=0, older than maxAgeMs 100 from t=100, was still known \(completed\) at the read at t=300, past t=250: the policy \(retention \{"maxAgeMs":100,"sweepMs":50\}\) lets it go/),
    ]);
    const inTime = twoDone();
    inTime.at(240).rec.recordRead({ x: 'completed', y: 'completed' });
    expect(messages(inTime, ctx({ maxAgeMs: 100, sweepMs: 50 }))).toEqual([]);
  });

  it('passes when the read no longer finds it, and judges nothing without a policy', () => {
    const h = twoDone();
    h.at(300).rec.recordRead({ x: null, y: null });
    expect(messages(h, ctx({ maxAgeMs: 100, sweepMs: 50 }))).toEqual([]);
    const kept = twoDone();
    kept.at(300).rec.recordRead({ x: 'completed', y: 'completed' });
    expect(messages(kept, ctx(undefined))).toEqual([]);
  });

  it('by count: owed once maxCount executions completed after it; ties at the boundary go together', () => {
    const h = twoDone();
    h.at(400).rec.recordRead({ x: 'completed', y: 'completed' });
    expect(messages(h, ctx({ maxCount: 1, sweepMs: 50 }))).toEqual([expect.stringMatching(/^x, completed at t=0, beyond the newest maxCount 1 from t=10/)]);
    // Two executions completed at one instant, maxCount 1: neither is owed (ties are kept or pruned together; a third is needed).
    const ties = new H().connect('w1').submit('x').submit('y').run('x', 'w1', 1, 'x1').run('y', 'w1', 1, 'y1');
    ties.at(400).rec.recordRead({ x: 'completed', y: 'completed' });
    expect(messages(ties, ctx({ maxCount: 1, sweepMs: 50 }))).toEqual([
      expect.stringMatching(/^x, completed at t=0, beyond the newest maxCount 1 from t=0/),
    ]);
  });

  it('excuses an execution a dependent still waits on, and counts from its last dependent\'s end', () => {
    const h = new H().connect('w1').submit('x').submit('z', { deps: ['x'] }).run('x', 'w1', 1, 'x1');
    h.at(300).rec.recordRead({ x: 'completed', z: 'pending' });
    expect(messages(h, ctx({ maxAgeMs: 100, sweepMs: 50 }))).toEqual([]);
    h.at(310).status('z', 'pending', 'scheduled', 0).run('z', 'w1', 1, 'z1');
    h.at(700).rec.recordRead({ x: 'completed', z: null });
    expect(messages(h, ctx({ maxAgeMs: 100, sweepMs: 50 }))).toEqual([expect.stringMatching(/^x, completed at t=0, .* \(its last dependent ended at t=310\), was still known/)]);
  });

  it('gives a restarted coordinator a sweep from its start', () => {
    const h = twoDone();
    h.at(200).fault('start', { id: 'f1', action: 'restart', target: 'coordinator', coordinator: true });
    h.at(300).rec.recordRead({ x: 'completed', y: 'completed' });
    expect(messages(h, ctx({ maxAgeMs: 100, sweepMs: 50 }))).toEqual([]);
    h.at(400).rec.recordRead({ x: 'completed', y: null });
    expect(messages(h, ctx({ maxAgeMs: 100, sweepMs: 50 }))).toEqual([expect.stringMatching(/^x, .* at the read at t=400, past t=350/)]);
  });
});
