/**
 * The import path benchmarks use for latency statistics. The one statistics
 * module is system/core/stats.ts with harness/report/hdr-stats.ts (HDR histograms at 1 µs resolution, 3
 * significant digits, and the exact nearest-rank percentile for verdicts);
 * this file only re-exports it, so every benchmark prints the same shape
 * ({p50, p90, p95, p99, max, mean, count} in ms).
 */
export { median, type LatencySummary as LatencySummaryMs } from '../../system/core/index.js';
export { hdrSummary, microsHistogram, recordMs, summarizeMs } from '../../harness/report/hdr-stats.js';
