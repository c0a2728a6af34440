/**
 * HDR histogram helpers: latencies are recorded in microseconds and reported
 * in milliseconds with 0.01 ms resolution, so every benchmark prints the same
 * shape ({p50, p90, p99, max, mean, count}).
 */
import * as hdr from 'hdr-histogram-js';

/** Milliseconds summary of a latency histogram. */
export interface LatencySummaryMs {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  count: number;
}

/** A histogram of microsecond values from 1 µs to 10 min, 3 significant digits. */
export function microsHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
}

/** Records a duration given in (fractional) milliseconds. */
export function recordMs(h: hdr.Histogram, ms: number): void {
  h.recordValue(Math.max(1, Math.round(ms * 1000)));
}

const ms2 = (us: number): number => Math.round(us / 10) / 100;

/** p50/p90/p99/max/mean in ms. */
export function summarizeMs(h: hdr.Histogram): LatencySummaryMs {
  return {
    p50: ms2(h.getValueAtPercentile(50)),
    p90: ms2(h.getValueAtPercentile(90)),
    p99: ms2(h.getValueAtPercentile(99)),
    max: ms2(h.maxValue),
    mean: ms2(h.mean),
    count: h.totalCount,
  };
}

/** Median of a few values (e.g. per-pair ratios of an A/B benchmark); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
