/**
 * `squall report compare` on dispatch benchmark results (bench:peers, kind
 * 'bench-peers'): a throughput or peer-ratio drop beyond the tolerance and a
 * paced p99 growth are regressions; changes within tolerance and gains are not.
 */
import { describe, expect, it } from 'vitest';
import { compareResults } from '../../harness/report/compare.js';
import { parseRunResult, type RunResult } from '../../harness/report/model.js';

function peers(t: { tasksPerSec: number; peerRatio: number; pacedP99Ms: number }): RunResult {
  return parseRunResult({
    schemaVersion: 1,
    runId: 'bench-peers-w4c50-x',
    kind: 'bench-peers',
    startedAt: '2026-12-02T08:00:00.000Z',
    version: '0.1.0',
    passed: true,
    wallMs: 1000,
    promisesChecked: [],
    metrics: { throughput: { tasksPerSec: t.tasksPerSec, peerTasksPerSec: 1000, peerRatio: t.peerRatio, pacedP50Ms: 5, pacedP99Ms: t.pacedP99Ms, coordinatorUsPerTask: 100 } },
  });
}

const flagged = (base: RunResult, next: RunResult): string[] => compareResults(base, next).rows.filter((r) => r.regression).map((r) => r.metric);
const base = peers({ tasksPerSec: 2000, peerRatio: 2, pacedP99Ms: 50 });

describe('compare: dispatch throughput', () => {
  it('flags tasks/s and the ratio to the peer when they fell more than the tolerance', () => {
    expect(flagged(base, peers({ tasksPerSec: 1700, peerRatio: 1.7, pacedP99Ms: 50 }))).toEqual(['throughput (tasks/s)', 'throughput ratio vs peer']);
  });

  it('flags a paced p99 that grew beyond the tolerance', () => {
    expect(flagged(base, peers({ tasksPerSec: 2000, peerRatio: 2, pacedP99Ms: 80 }))).toEqual(['paced p99 (ms)']);
  });

  it('does not flag changes within the tolerance, or gains', () => {
    expect(flagged(base, peers({ tasksPerSec: 1850, peerRatio: 1.85, pacedP99Ms: 54 }))).toEqual([]);
    expect(flagged(base, peers({ tasksPerSec: 5000, peerRatio: 4, pacedP99Ms: 10 }))).toEqual([]);
  });

  it('honours a wider tolerance', () => {
    const rows = compareResults(base, peers({ tasksPerSec: 1700, peerRatio: 1.7, pacedP99Ms: 50 }), { tolerancePct: 25 }).rows;
    expect(rows.filter((r) => r.regression)).toEqual([]);
  });
});
