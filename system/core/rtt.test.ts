import { describe, expect, it } from 'vitest';
import { RttEstimator, timeoutChanged, type HeartbeatTimeoutPolicy } from './rtt.js';

const policy: HeartbeatTimeoutPolicy = { adaptive: true, intervalMs: 1000, minMs: 3000, maxMs: 60_000, factor: 2 };

describe('RttEstimator (RFC 6298)', () => {
  it('first sample: srtt = R, rttvar = R/2; then the 1/8 and 1/4 gains', () => {
    const e = new RttEstimator();
    e.sample(100);
    expect([e.srttMs, e.rttvarMs]).toEqual([100, 50]);
    e.sample(200);
    // rttvar = 3/4*50 + 1/4*|100-200| = 62.5; srtt = 7/8*100 + 1/8*200 = 112.5
    expect([e.srttMs, e.rttvarMs]).toEqual([112.5, 62.5]);
  });

  it('ignores negative and non-finite samples', () => {
    const e = new RttEstimator();
    e.sample(-1);
    e.sample(Number.NaN);
    e.sample(Infinity);
    expect(e.srttMs).toBeUndefined();
  });

  it('a fast link keeps the configured floor; a 4 s round trip stretches the timeout; the ceiling holds', () => {
    const fast = new RttEstimator();
    for (let i = 0; i < 20; i++) fast.sample(1);
    expect(fast.timeoutMs(policy)).toBe(3000);
    const slow = new RttEstimator();
    for (let i = 0; i < 50; i++) slow.sample(4000 + (i % 2) * 200);
    const t = slow.timeoutMs(policy);
    // interval + 2 * (srtt + 4 * rttvar) with srtt ~4100, rttvar ~100: well above one RTT + interval
    expect(t).toBeGreaterThan(1000 + 4200);
    expect(t).toBeLessThan(20_000);
    const huge = new RttEstimator();
    huge.sample(100_000);
    expect(huge.timeoutMs(policy)).toBe(60_000);
  });

  it('fixed policy: always the floor, whatever was measured', () => {
    const e = new RttEstimator();
    e.sample(4000);
    expect(e.timeoutMs({ ...policy, adaptive: false })).toBe(3000);
  });

  it('timeoutChanged reports the first value and changes of 10% or more only', () => {
    expect(timeoutChanged(undefined, 3000)).toBe(true);
    expect(timeoutChanged(3000, 3200)).toBe(false);
    expect(timeoutChanged(3000, 3300)).toBe(true);
    expect(timeoutChanged(3000, 2700)).toBe(true);
  });
});
