/**
 * The checker's own nearest-rank percentile, restated from its documented
 * definition (README, "HTTP API": GET /api/v1/stats durationsMs; the
 * definition in system/core/stats.ts's comment): the smallest sample with
 * at least p% of the samples at or below it, that is the sample of rank
 * ceil(p/100 * n) (at least 1) in ascending order. The checker does not
 * import the system's percentile: a wrong rank there (blind set 14 #01,
 * floor for ceil) would otherwise be the yardstick it is judged by.
 */

/** The nearest-rank p-th percentile (p in 0..100) of samples in any order; null when there are none. */
export function nearestRank(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  // Counted, not computed with floating point: the first sample at which at least p% of the samples are at or below it.
  for (let rank = 1; rank <= n; rank++) if (rank * 100 >= p * n) return sorted[rank - 1] ?? null;
  return sorted[n - 1] ?? null;
}
