import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Random } from '../core/random.js';
import { seededRandom } from '../core/random.js';
import {
  BACKOFF_STRATEGIES,
  type BackoffConfig,
  backoffBounds,
  backoffDelay,
  backoffWithDefaults,
  cappedExponential,
} from './backoff.js';

/** A Random whose float() returns the given value (edges included). */
const fixedRandom = (f: number): Random => ({ float: () => f, int: (a) => a, bytes: (n) => new Uint8Array(n), fork: () => fixedRandom(f) });

const cfgArb = fc
  .record({
    strategy: fc.constantFrom(...BACKOFF_STRATEGIES),
    initialMs: fc.integer({ min: 0, max: 10_000 }),
    extra: fc.integer({ min: 0, max: 1_000_000 }),
    multiplier: fc.oneof(fc.constant(1), fc.double({ min: 1, max: 10, noNaN: true }), fc.constant(1.0000001)),
  })
  .map(({ strategy, initialMs, extra, multiplier }) => backoffWithDefaults({ strategy, initialMs, maxMs: initialMs + extra, multiplier }));
const attemptArb = fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 2_000_000_000 }), fc.constant(1e9), fc.constant(Number.MAX_SAFE_INTEGER));
const floatArb = fc.oneof(fc.constant(0), fc.constant(1 - Number.EPSILON), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }));

type DelayFn = (cfg: BackoffConfig, attempt: number, random: Random, prev?: number) => number;

/** The bounds property: every delay is a finite number within [floor, cap] and never above maxMs. */
function boundsHold(delay: DelayFn): fc.IPropertyWithHooks<[BackoffConfig, number, number, number]> {
  return fc.property(cfgArb, attemptArb, floatArb, fc.integer({ min: 0, max: 10_000_000 }), (cfg, attempt, f, prev) => {
    const d = delay(cfg, attempt, fixedRandom(f), prev);
    const { floorMs, capMs } = backoffBounds(cfg.strategy, cfg, attempt, prev);
    return Number.isFinite(d) && d >= floorMs && d <= capMs && capMs <= cfg.maxMs && floorMs >= 0;
  });
}

/** The spread property: at the cap, full-jitter delays of many workers are not all identical. */
function spreadsAtCap(delay: DelayFn): fc.IPropertyWithHooks<[number, number]> {
  return fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(200, 1_000, 1e9), (seed, attempt) => {
    const cfg = backoffWithDefaults({ strategy: 'full-jitter', initialMs: 100, maxMs: 1000, multiplier: 2 });
    const random = seededRandom(seed);
    const delays = Array.from({ length: 20 }, () => delay(cfg, attempt, random));
    return new Set(delays).size > 1;
  });
}

// Deliberately broken variants, to show the properties catch the seed defects.
const capAfterJitter: DelayFn = (cfg, attempt, random) =>
  Math.min(cfg.maxMs, cfg.initialMs * cfg.multiplier ** (attempt - 1) * (0.5 + random.float()));
// Full-jitter computed naively (jitter times an uncapped power, then the cap): correct while the
// power is finite, NaN once it overflows (0 * Infinity). Other strategies delegate to the real one.
const naivePow: DelayFn = (cfg, attempt, random, prev) =>
  cfg.strategy !== 'full-jitter'
    ? backoffDelay(cfg, attempt, random, prev)
    : Math.min(cfg.maxMs, random.float() * cfg.initialMs * Math.pow(cfg.multiplier, attempt - 1));

describe('backoff', () => {
  it('delays stay within backoffBounds for every attempt, including huge ones', () => {
    fc.assert(boundsHold(backoffDelay), { numRuns: 2000 });
  });

  it('full-jitter at the cap spreads workers out (no lockstep)', () => {
    fc.assert(spreadsAtCap(backoffDelay), { numRuns: 200 });
  });

  it('catches a cap-after-jitter variant (lockstep at the cap)', () => {
    expect(() => fc.assert(spreadsAtCap(capAfterJitter), { numRuns: 200 })).toThrow(/Property failed/);
  });

  it('catches a naive Math.pow variant (NaN/overflow at large attempts)', () => {
    expect(() => fc.assert(boundsHold(naivePow), { numRuns: 2000 })).toThrow(/Property failed/);
  });

  it('saturates the exponential without overflow', () => {
    const cfg = backoffWithDefaults({ initialMs: 100, maxMs: 10_000, multiplier: 2 });
    expect(cappedExponential(cfg, 1)).toBe(100);
    expect(cappedExponential(cfg, 2)).toBe(200);
    expect(cappedExponential(cfg, 8)).toBe(10_000);
    expect(cappedExponential(cfg, 1e9)).toBe(10_000);
    expect(cappedExponential(cfg, Infinity)).toBe(10_000);
  });

  it('none is a fixed delay; equal-jitter keeps at least half; decorrelated grows from the previous delay', () => {
    const none = backoffWithDefaults({ strategy: 'none', initialMs: 250, maxMs: 1000 });
    expect(backoffDelay(none, 1, fixedRandom(0.9))).toBe(250);
    expect(backoffDelay(none, 1e9, fixedRandom(0.1))).toBe(250);
    const eq = backoffWithDefaults({ strategy: 'equal-jitter', initialMs: 100, maxMs: 1000 });
    expect(backoffBounds('equal-jitter', eq, 3)).toEqual({ floorMs: 200, capMs: 400 });
    const dec = backoffWithDefaults({ strategy: 'decorrelated-jitter', initialMs: 100, maxMs: 1000 });
    expect(backoffBounds('decorrelated-jitter', dec, 5, 200)).toEqual({ floorMs: 100, capMs: 600 });
    expect(backoffBounds('decorrelated-jitter', dec, 5, 900)).toEqual({ floorMs: 100, capMs: 1000 });
  });

  it('rejects bad options naming the field', () => {
    expect(() => backoffWithDefaults({ initialMs: 500, maxMs: 100 })).toThrow('backoff.maxMs must be >= backoff.initialMs');
    expect(() => backoffWithDefaults({ multiplier: 0.5 })).toThrow(/backoff.multiplier must be a finite number >= 1/);
    expect(() => backoffWithDefaults({ initialMs: -1, maxMs: 10 })).toThrow(/backoff.initialMs/);
    expect(() => backoffWithDefaults({ strategy: 'linear' as never })).toThrow(/backoff.strategy must be one of/);
  });
});
