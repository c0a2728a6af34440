/**
 * The HDR half of the one statistics module (system/core/stats.ts holds the
 * exact half and the LatencySummary shape both return): HdrHistograms at 1 µs
 * resolution, 3 significant digits, for benchmarks and live measurements.
 * Kept out of system/ so the compiled system needs no hdr-histogram-js.
 */
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../../system/core/index.js';

const EMPTY: LatencySummary = { p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0, count: 0 };

/** An HDR histogram of microsecond values from 1 µs to 1 h, 3 significant digits; record with recordMs. */
export function microsHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

/** Records a duration given in (fractional) milliseconds, at 1 µs resolution (at least 1 µs). */
export function recordMs(h: hdr.Histogram, ms: number): void {
  h.recordValue(Math.max(1, Math.round(ms * 1000)));
}

const usToMs = (us: number): number => Math.round(us) / 1000;

/** The HDR summary of a microsHistogram, in ms (all zero when empty). */
export function summarizeMs(h: hdr.Histogram): LatencySummary {
  if (h.totalCount === 0) return { ...EMPTY };
  const at = (p: number): number => usToMs(h.getValueAtPercentile(p));
  return { p50: at(50), p90: at(90), p95: at(95), p99: at(99), max: usToMs(h.maxValue), mean: h.mean / 1000, count: h.totalCount };
}

/** The HDR summary of ms samples (recorded at 1 µs resolution). */
export function hdrSummary(samplesMs: readonly number[]): LatencySummary {
  const h = microsHistogram();
  for (const s of samplesMs) recordMs(h, s);
  const out = summarizeMs(h);
  h.destroy();
  return out;
}
