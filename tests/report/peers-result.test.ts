/**
 * bench:peers output (benchmarks/lib/peers-report.ts): ratios are per pair and
 * the headline is their median (not a ratio of medians), the targets follow
 * from those medians, the RunResult validates against the report model, a
 * timed-out side fails the run, and `squall report compare` on two such
 * results flags a throughput drop.
 */
import { describe, expect, it } from 'vitest';
import { compareResults } from '../../harness/report/compare.js';
import { parseRunResult } from '../../harness/report/model.js';
import { formatPairs, medians, type Pair, peersRunResult } from '../../benchmarks/lib/peers-report.js';
import type { PeerConfig, SideResult } from '../../benchmarks/lib/peer-types.js';

const cfg: PeerConfig = { tasks: 1000, warmupTasks: 10, workers: 4, concurrency: 50, processes: 1, rate: 2000, pacedSec: 2, warmupSec: 1, batch: 100, timeoutMs: 1000 };

function side(system: 'squall' | 'bullmq', tps: number, p99: number, cpu: Record<string, number>, timedOut = false): SideResult {
  return {
    system,
    durability: system,
    max: { tasks: 1000, completed: timedOut ? 900 : 1000, elapsedMs: 1, tasksPerSec: tps, timedOut },
    paced: { targetRate: 2000, achievedSubmitRate: 2000, timedOut: false, submitToCompleteMs: { p50: p99 / 2, p90: p99, p95: p99, p99, max: p99, mean: p99 / 2, count: 10 } },
    cpuUsPerTask: cpu,
  };
}

// Per-pair throughput ratios 0.5, 3 and 2 -> median 2, while the ratio of the medians (3000 / 2000) is 1.5.
const pairs: Pair[] = [
  { pair: 1, order: 'squall>bullmq', squall: side('squall', 1000, 10, { coordinator: 30, 'squall-workers': 20 }), bullmq: side('bullmq', 2000, 20, { producer: 5, 'redis-server': 50, 'bullmq-workers': 45 }) },
  { pair: 2, order: 'bullmq>squall', squall: side('squall', 3000, 40, { coordinator: 50, 'squall-workers': 20 }), bullmq: side('bullmq', 1000, 20, { producer: 5, 'redis-server': 50, 'bullmq-workers': 45 }) },
  { pair: 3, order: 'squall>bullmq', squall: side('squall', 6000, 20, { coordinator: 45, 'squall-workers': 20 }), bullmq: side('bullmq', 3000, 40, { producer: 5, 'redis-server': 50, 'bullmq-workers': 45 }) },
];

describe('bench:peers report', () => {
  it('takes the median of per-pair ratios', () => {
    const m = medians(pairs);
    expect(m.throughputRatio).toBe(2);
    expect(m.squallTasksPerSec).toBe(3000);
    expect(m.bullmqTasksPerSec).toBe(2000);
    expect(m.p99Ratio).toBe(0.5);
    expect(m.coordinatorUs).toBe(45);
  });

  it('prints every pair, the medians and each target with its verdict', () => {
    const text = formatPairs(pairs, cfg, [1, 2, 3]);
    expect(text.split('\n').filter((l) => /^\| [123] \|/.test(l))).toHaveLength(3);
    expect(text).toContain('| median |');
    expect(text).toMatch(/^ {2}met {6}max durable throughput >= 2x BullMQ.*: 2 \(target 2\)$/m);
    expect(text).toMatch(/^ {2}met {6}paced p99.*: 0\.5 \(target 1\)$/m);
    expect(text).toMatch(/^ {2}NOT met {2}coordinator CPU per task <= 40 µs.*: 45 \(target 40\)$/m);
    expect(text).toContain('below the paced rate 2000/s');
  });

  it('writes a valid bench-peers RunResult; a timed-out side fails it', () => {
    const r = parseRunResult(peersRunResult(pairs, cfg, new Date('2026-12-02T09:00:00Z'), 5000));
    expect(r.kind).toBe('bench-peers');
    expect(r.passed).toBe(true);
    expect(r.metrics.throughput).toMatchObject({ tasksPerSec: 3000, peerRatio: 2, pacedP99Ms: 20, coordinatorUsPerTask: 45 });
    expect(r.metrics.completions).toEqual({ expected: 6000, completed: 6000, lost: 0, duplicated: 0 });
    const broken = pairs.map((p, i) => (i === 1 ? { ...p, squall: side('squall', 3000, 40, { coordinator: 50 }, true) } : p));
    const rb = parseRunResult(peersRunResult(broken, cfg, new Date('2026-12-02T09:00:00Z'), 5000));
    expect(rb.passed).toBe(false);
    expect(rb.metrics.completions?.lost).toBe(100);
  });

  it('compare flags a run whose squall throughput fell', () => {
    const base = parseRunResult(peersRunResult(pairs, cfg, new Date('2026-12-02T09:00:00Z'), 5000));
    const slower = pairs.map((p) => ({ ...p, squall: { ...p.squall, max: { ...p.squall.max, tasksPerSec: p.squall.max.tasksPerSec / 2 } } }));
    const next = parseRunResult(peersRunResult(slower, cfg, new Date('2026-12-02T10:00:00Z'), 5000));
    const flagged = compareResults(base, next).rows.filter((row) => row.regression).map((row) => row.metric);
    expect(flagged).toEqual(expect.arrayContaining(['throughput (tasks/s)', 'throughput ratio vs peer']));
  });
});
