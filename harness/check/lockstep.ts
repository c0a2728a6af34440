/**
 * Statistical tests for lockstep at the backoff cap (promise 9), each with a
 * stated false-positive rate, for checkBackoff (promises-backoff.ts).
 *
 * With the cap applied before jitter, a delay drawn at the cap is uniform on
 * [floor, cap], independently of every other draw (the worker's seeded
 * stream; whether a draw is "at the cap" depends only on earlier draws), so
 * its position p = (delay - floor) / (cap - floor) is Uniform(0, 1).
 *
 * 1. Uniformity (one-sample Kolmogorov–Smirnov against Uniform(0, 1)). By the
 *    Dvoretzky–Kiefer–Wolfowitz inequality with Massart's constant,
 *    P(D_n > ε) ≤ 2·exp(−2nε²) for every n under the null, so rejecting when
 *    D_n > sqrt(ln(2/α) / 2n) has a false-positive rate of at most α
 *    (LOCKSTEP_ALPHA = 1e-6 per run) whatever the sample size. A cap applied
 *    after jitter piles the draws at p = 1 (D_n near the fraction clamped).
 * 2. Coincidence across workers: two different workers drawing the very same
 *    delay at the cap. Under the null a pair coincides with probability at
 *    most 2^-40 (48-bit draws, scaled onto doubles), so for n draws the
 *    false-positive rate is at most C(n, 2)·2^-40 (about 1.1e-5 for 5,000
 *    draws); the test runs only while that bound is at most 1e-3 (n <= ~47,000)
 *    and states the bound in its message. Workers that share one random stream (a seed not forked per
 *    worker) retry at identical moments even though each looks uniform.
 */
import type { HistoryRecord } from './history.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** Per-run false-positive rate of the uniformity test. */
export const LOCKSTEP_ALPHA = 1e-6;
/** Fewest draws at the cap before either test is run. */
const LOCKSTEP_MIN_DRAWS = 20;
const PAIR_TIE_P = 2 ** -40;

/** One backoff delay drawn at the cap. */
export interface CapDraw {
  workerId: string;
  delayMs: number;
  /** Position in [floor, cap], 0..1. */
  position: number;
  index: number;
}

/** Kolmogorov–Smirnov statistic D_n of the sample against Uniform(0, 1). */
export function ksUniform(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  let d = 0;
  s.forEach((x, i) => {
    const u = Math.min(1, Math.max(0, x));
    d = Math.max(d, (i + 1) / n - u, u - i / n);
  });
  return d;
}

/** The DKW–Massart rejection threshold for n draws at false-positive rate alpha. */
export function dkwThreshold(n: number, alpha: number): number {
  return Math.sqrt(Math.log(2 / alpha) / (2 * n));
}

/** Upper bound on the chance that the null gives a KS statistic of at least d over n draws. */
function dkwPValue(n: number, d: number): number {
  return Math.min(1, 2 * Math.exp(-2 * n * d * d));
}

/** Violations of promise 9 from the draws at the cap (empty when too few to judge). */
export function lockstepViolations(records: readonly HistoryRecord[], draws: readonly CapDraw[]): Violation[] {
  if (draws.length < LOCKSTEP_MIN_DRAWS) return [];
  const out: Violation[] = [];
  const n = draws.length;
  const d = ksUniform(draws.map((x) => x.position));
  const threshold = dkwThreshold(n, LOCKSTEP_ALPHA);
  if (d > threshold) {
    const atTop = draws.filter((x) => x.position >= 1 - 1e-9).length;
    out.push(
      violation(
        records,
        'backoff',
        `${n} backoff delays at the cap are not uniform over [floor, cap]: Kolmogorov–Smirnov D=${d.toFixed(3)} > ${threshold.toFixed(3)} (false-positive rate <= ${LOCKSTEP_ALPHA}; p <= ${dkwPValue(n, d).toExponential(1)}); ${atTop} exactly at the cap: workers at the cap retry in lockstep (cap applied after jitter?)`,
        {},
      ),
    );
  }
  const fpBound = (n * (n - 1) * PAIR_TIE_P) / 2;
  if (fpBound > 1e-3) return out;
  const first = new Map<number, CapDraw>();
  const ties: [CapDraw, CapDraw][] = [];
  for (const x of draws) {
    // Draws clamped onto a bound are the uniformity test's business, not a shared stream's.
    if (x.position <= 1e-9 || x.position >= 1 - 1e-9) continue;
    const seen = first.get(x.delayMs);
    if (seen === undefined) first.set(x.delayMs, x);
    else if (seen.workerId !== x.workerId) ties.push([seen, x]);
  }
  const tie = ties[0];
  if (tie !== undefined) {
    out.push(
      violation(
        records,
        'backoff',
        `${ties.length} backoff delays at the cap are identical across workers (first: ${tie[0].workerId} and ${tie[1].workerId} both drew ${tie[1].delayMs} ms); independent jitter coincides with probability <= ${fpBound.toExponential(1)} here: workers share one random stream and retry in lockstep`,
        { index: tie[1].index, workerId: tie[1].workerId },
      ),
    );
  }
  return out;
}
