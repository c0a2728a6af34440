/**
 * Coverage marks in simulation: a counter bound to system/'s Marks seam for
 * one run, and the one list of marks the default suite must reach
 * (REQUIRED_MARKS), with the reason for each mark declared but not required
 * yet. `squall suite` and `squall sim --seeds` print the marks no run reached;
 * tests/sim/marks-coverage.test.ts fails when the suite leaves a required mark
 * unreached (a situation that matters stopped being exercised).
 */
import { MARK_CATALOG, MARK_NAMES, type MarkName, type Marks } from '../../system/core/index.js';

/** Hit counts of one run; every catalog mark is present (0 = not reached). */
export type MarkCounts = Record<MarkName, number>;

/** Counts hits per mark for one simulation run. */
export class MarkCounter implements Marks {
  private readonly counts = new Map<MarkName, number>();

  hit(name: MarkName): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  /** Every catalog mark with its count. */
  snapshot(): MarkCounts {
    const out = {} as MarkCounts;
    for (const m of MARK_NAMES) out[m] = this.counts.get(m) ?? 0;
    return out;
  }
}

/**
 * Marks that are declared but not required of the default suite yet, each
 * with the reason. Every other catalog mark is required.
 */
export const NOT_YET_REQUIRED: Partial<Record<MarkName, string>> = {
  'worker.duplicate-dropped':
    "unreachable by the protocol's construction, so no scenario can reach it: a resuming worker's register carries the exact last seq it admitted (resume.lastSeq) and the coordinator drops everything up to it before re-sending (Session.resend), a new session restarts both sides at seq 1, and frames of an older connection are ignored by generation; only a network that duplicates frames (TCP does not) or a coordinator that re-sends what was acknowledged would deliver a duplicate. The branch stays as a defence; a simulated frame-duplicating link would make it reachable but would test a network no transport provides",
};

/** The marks the default scenario suite (scenarios/*.yaml at their seeds) must reach. */
export const REQUIRED_MARKS: readonly MarkName[] = MARK_NAMES.filter((m) => NOT_YET_REQUIRED[m] === undefined);

/** Sums per-run counts (a sweep or a suite). */
export function sumMarks(runs: readonly Partial<MarkCounts>[]): MarkCounts {
  const total = {} as MarkCounts;
  for (const m of MARK_NAMES) total[m] = runs.reduce((n, r) => n + (r[m] ?? 0), 0);
  return total;
}

/** One row per mark no run reached: name, required?, the situation, why not required. */
export interface UnreachedMark {
  mark: MarkName;
  required: boolean;
  situation: string;
  note: string;
}

/** The marks with a zero total, required ones first. */
export function unreachedMarks(total: Partial<MarkCounts>): UnreachedMark[] {
  const rows = MARK_NAMES.filter((m) => (total[m] ?? 0) === 0).map((m) => ({
    mark: m,
    required: NOT_YET_REQUIRED[m] === undefined,
    situation: MARK_CATALOG[m],
    note: NOT_YET_REQUIRED[m] ?? '',
  }));
  return rows.sort((a, b) => Number(b.required) - Number(a.required));
}
