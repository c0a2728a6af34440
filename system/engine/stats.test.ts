import { describe, expect, it } from 'vitest';
import { makeExecutionRecord } from '../store/testing.js';
import type { ExecutionRecord, ExecutionStatus } from '../core/model.js';
import { StatsCollector } from './stats.js';

function move(stats: StatsCollector, rec: ExecutionRecord, to: ExecutionStatus, terminal = false): void {
  const from = rec.status;
  rec.status = to;
  rec.statusHistory.push({ status: to, at: 0, previous: from, attempt: 1 });
  stats.onTransition(rec, from, to, terminal);
}

describe('StatsCollector', () => {
  it('counts executions per status and terminal executions per kind, not attempts', () => {
    const stats = new StatsCollector(10);
    const rec = makeExecutionRecord({ status: 'scheduled', kind: 'fail' });
    stats.onCreated('scheduled');
    move(stats, rec, 'preparing');
    move(stats, rec, 'failed'); // interim: retried
    move(stats, rec, 'retrying');
    move(stats, rec, 'preparing');
    move(stats, rec, 'timeout'); // interim
    move(stats, rec, 'retrying');
    move(stats, rec, 'preparing');
    rec.startedAt = 100;
    rec.completedAt = 150;
    move(stats, rec, 'completed', true);
    expect(stats.byStatus).toMatchObject({ completed: 1, failed: 0, retrying: 0, preparing: 0, scheduled: 0 });
    expect(stats.retried).toBe(1);
    expect(stats.timedOut).toBe(1);
    expect(stats.kinds()).toEqual({ fail: { completed: 1, failed: 0, cancelled: 0, successRate: 1 } });
    expect(stats.percentiles()).toEqual({ p50: 50, p95: 50, samples: 1 });
  });

  it('computes p50/p95 over a bounded window', () => {
    const stats = new StatsCollector(100);
    for (let i = 1; i <= 200; i++) {
      const rec = makeExecutionRecord({ status: 'running', startedAt: 0, completedAt: i });
      stats.onCreated('running');
      move(stats, rec, 'completed', true);
    }
    expect(stats.percentiles()).toEqual({ p50: 150, p95: 195, samples: 100 });
  });

  it('rebuilds history-derived counters on recovery', () => {
    const stats = new StatsCollector(10);
    const rec = makeExecutionRecord({ status: 'failed', kind: 'x' });
    rec.statusHistory.push(
      { status: 'timeout', at: 0, previous: 'running', attempt: 1 },
      { status: 'retrying', at: 0, previous: 'timeout', attempt: 1 },
      { status: 'failed', at: 0, previous: 'running', attempt: 2 },
    );
    stats.onRecovered(rec);
    expect(stats).toMatchObject({ total: 1, retried: 1, timedOut: 1 });
    expect(stats.kinds()).toEqual({ x: { completed: 0, failed: 1, cancelled: 0, successRate: 0 } });
  });
});
