import { describe, expect, it } from 'vitest';
import { exactSummary, percentile, percentileOfSorted } from '../../system/core/index.js';
import { hdrSummary, microsHistogram, recordMs, summarizeMs } from './hdr-stats.js';

const oneToHundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose

/** A fixed, skewed sample set (no Math.random: the suite is deterministic): i^2 / 100 ms for i in 1..2000. */
const skewed = Array.from({ length: 2000 }, (_, i) => ((i + 1) * (i + 1)) / 100);

describe('exact percentiles (nearest rank)', () => {
  it('picks the smallest sample with at least p% at or below it', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 99.5)).toBe(100);
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 99)).toBe(5);
  });

  it('p0 is the minimum and p100 the maximum; p outside 0..100 clamps', () => {
    expect(percentile(oneToHundred, 0)).toBe(1);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentileOfSorted([1, 2, 3], -5)).toBe(1);
    expect(percentileOfSorted([1, 2, 3], 250)).toBe(3);
  });

  it('has no percentile of nothing, and one sample is every percentile', () => {
    expect(percentile([], 50)).toBeNull();
    expect(exactSummary([])).toEqual({ p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0, count: 0 });
    expect(exactSummary([7.25])).toEqual({ p50: 7.25, p90: 7.25, p95: 7.25, p99: 7.25, max: 7.25, mean: 7.25, count: 1 });
  });

  it('summarizes 1..100 exactly', () => {
    expect(exactSummary(oneToHundred)).toEqual({ p50: 50, p90: 90, p95: 95, p99: 99, max: 100, mean: 50.5, count: 100 });
  });

  it('does not reorder the caller\'s samples', () => {
    const xs = [3, 1, 2];
    percentile(xs, 50);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('HDR summaries', () => {
  it('are within 0.1% (3 significant digits) of the exact figures, never below them', () => {
    const exact = exactSummary(skewed);
    const approx = hdrSummary(skewed);
    expect(approx.count).toBe(exact.count);
    for (const k of ['p50', 'p90', 'p95', 'p99', 'max'] as const) {
      expect(approx[k]).toBeGreaterThanOrEqual(exact[k] - 0.0005); // recorded at 1 µs: half a µs of rounding
      expect(approx[k]).toBeLessThanOrEqual(exact[k] * 1.001 + 0.001);
    }
    expect(Math.abs(approx.mean - exact.mean) / exact.mean).toBeLessThan(0.001);
  });

  it('are exact for small values at µs resolution (2048 µs and below)', () => {
    expect(hdrSummary([0.001, 0.002, 0.5, 1, 2])).toMatchObject({ p50: 0.5, p90: 2, max: 2, count: 5 });
  });

  it('of nothing are all zero, of one sample are that sample', () => {
    expect(hdrSummary([])).toEqual({ p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0, count: 0 });
    expect(hdrSummary([1.5])).toMatchObject({ p50: 1.5, p99: 1.5, max: 1.5, count: 1 });
  });

  it('stream: a histogram fed with recordMs summarizes like hdrSummary of the same samples', () => {
    const h = microsHistogram();
    for (const s of skewed) recordMs(h, s);
    expect(summarizeMs(h)).toEqual(hdrSummary(skewed));
    h.destroy();
  });
});
