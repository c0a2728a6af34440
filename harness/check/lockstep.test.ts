import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../system/core/random.js';
import { type CapDraw, dkwThreshold, ksUniform, LOCKSTEP_ALPHA, lockstepViolations } from './lockstep.js';

/** n draws at a cap of 1000 ms over `workers` workers, positions from `pos`. */
function draws(n: number, workers: number, pos: (i: number) => number): CapDraw[] {
  return Array.from({ length: n }, (_, i) => {
    const position = pos(i);
    return { workerId: `w${(i % workers) + 1}`, delayMs: position * 1000, position, index: i };
  });
}

describe('lockstep tests', () => {
  it('KS statistic and DKW threshold are right on known cases', () => {
    expect(ksUniform([0.5])).toBeCloseTo(0.5);
    expect(ksUniform([1, 1, 1, 1])).toBeCloseTo(1);
    expect(ksUniform([0.125, 0.375, 0.625, 0.875])).toBeCloseTo(0.125);
    // P(D_n > t) <= 2 exp(-2 n t^2) = alpha at the threshold.
    const t = dkwThreshold(1000, LOCKSTEP_ALPHA);
    expect(2 * Math.exp(-2 * 1000 * t * t)).toBeCloseTo(LOCKSTEP_ALPHA, 12);
  });

  it('never flags independent uniform jitter over 400 seeded samples of 20..2,000 draws', () => {
    let flagged = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const r = seededRandom(seed);
      const n = 20 + Math.floor(r.float() * 1980);
      flagged += lockstepViolations([], draws(n, 1 + (seed % 40), () => r.float())).length;
    }
    // The stated rate is <= 1e-6 per run: 400 runs expect 0.0004 false positives.
    expect(flagged).toBe(0);
  });

  it('flags draws piled at the cap and draws shared across workers', () => {
    const r = seededRandom(3);
    const clamped = draws(100, 10, () => Math.min(1, r.float() * 4));
    expect(lockstepViolations([], clamped).map((v) => v.message)).toEqual([expect.stringMatching(/not uniform .* D=0\.\d+ > 0\.269 .* exactly at the cap/)]);
    const shared = seededRandom(9);
    const stream = Array.from({ length: 50 }, () => shared.float());
    const twins = draws(100, 2, (i) => stream[Math.floor(i / 2)] ?? 0);
    expect(lockstepViolations([], twins).map((v) => v.message)).toEqual([expect.stringMatching(/50 backoff delays at the cap are identical across workers/)]);
  });

  it('does not judge fewer than 20 draws', () => {
    expect(lockstepViolations([], draws(19, 1, () => 1))).toEqual([]);
  });
});
