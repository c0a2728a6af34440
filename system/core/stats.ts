/**
 * The project's one statistics module: every percentile in system/, harness/
 * and benchmarks/ comes from here, in one of two kinds, never mixed in one
 * report:
 *
 * - exact (percentile, exactSummary): nearest rank over every sample — the
 *   smallest sample with at least p% of the samples at or below it (p0 is the
 *   minimum, p100 the maximum). For verdicts (a checker's SLO on 20 reconnects,
 *   a spread of backoff positions in [0, 1]) and for the reports that show
 *   them (simulation and live runs, engine stats). A verdict must be
 *   reproducible bit for bit when a pinned regression is replayed, and an HDR
 *   bucket's rounding (up to 10^-digits relative, always upwards) could tip a
 *   figure sitting at its limit, so HDR is not "exact enough" there.
 * - HDR (harness/report/hdr-stats.ts: hdrSummary, microsHistogram + recordMs
 *   + summarizeMs): an HdrHistogram at 1 µs resolution with 3 significant
 *   digits (±0.1%), for benchmarks whose streams are too long to keep and
 *   whose figures are measured, not judged. The same nearest-rank definition,
 *   over buckets. It lives in the harness because the compiled system (dist/)
 *   ships without hdr-histogram-js.
 *
 * Both return the same LatencySummary shape in milliseconds.
 */
/** p50/p90/p95/p99/max/mean of a set of durations in ms, and how many there were. */
export interface LatencySummary {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  count: number;
}

const EMPTY: LatencySummary = { p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0, count: 0 };

/** Nearest-rank percentile (p in 0..100) of samples sorted ascending; null when there are none. */
export function percentileOfSorted(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? null;
}

/** Exact nearest-rank percentile (p in 0..100) of unsorted samples; null when there are none. */
export function percentile(samples: readonly number[], p: number): number | null {
  return percentileOfSorted([...samples].sort((a, b) => a - b), p);
}

/** The exact summary of every sample (all zero when there are none). */
export function exactSummary(samplesMs: readonly number[]): LatencySummary {
  if (samplesMs.length === 0) return { ...EMPTY };
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (p: number): number => percentileOfSorted(sorted, p) ?? 0;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return { p50: at(50), p90: at(90), p95: at(95), p99: at(99), max: at(100), mean: sum / sorted.length, count: sorted.length };
}

/** Median of a few values (e.g. per-pair ratios of an A/B benchmark); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
