/**
 * The coverage-marks part of `squall suite` and `squall sim --seeds`: which
 * marks (rare situations the system says it reached, system/core/marks.ts) no
 * run of the sweep reached, as a table, and the same as JSON.
 */
import { type MarkCounts, sumMarks, unreachedMarks, type UnreachedMark } from '../sim/marks.js';
import { renderTable } from '../report/table.js';

/** Marks summary for JSON output. */
export interface MarksSummary {
  total: MarkCounts;
  unreached: UnreachedMark[];
}

/** Totals over the runs and the marks none of them reached. */
export function marksSummary(runs: readonly { marks: MarkCounts }[]): MarksSummary {
  const total = sumMarks(runs.map((r) => r.marks));
  return { total, unreached: unreachedMarks(total) };
}

/** A table of the unreached marks (required ones first), or one line saying every mark was reached. */
export function renderUnreachedMarks(summary: MarksSummary, runs: number): string {
  const n = Object.keys(summary.total).length;
  if (summary.unreached.length === 0) return `coverage marks: all ${n} reached over ${runs} run(s)`;
  const table = renderTable(
    ['unreached mark', 'suite must reach', 'situation'],
    summary.unreached.map((u) => [u.mark, u.required ? 'yes' : 'not yet', u.situation]),
  );
  const head = `coverage marks: ${n - summary.unreached.length} of ${n} reached over ${runs} run(s); not reached:`;
  return `${head}\n${table}\n(suite must reach: harness/sim/marks.ts REQUIRED_MARKS; why the others are not required yet: docs/MARKS.md)`;
}
