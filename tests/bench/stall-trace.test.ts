import { describe, expect, it } from 'vitest';
import { startStallTrace } from '../../benchmarks/lib/stall-trace.js';

describe('bench:dispatch --stall-trace', () => {
  it('groups slow tasks into stalls and attributes the Store calls that overlapped each', () => {
    const trace = startStallTrace(20, 10);
    const t0 = performance.now();
    // Fast tasks are not counted; two groups of slow tasks 500 ms apart.
    trace.task(t0 + 1, 5);
    trace.task(t0 + 100, 30);
    trace.task(t0 + 110, 45);
    trace.task(t0 + 140, 25);
    trace.task(t0 + 700, 60);
    trace.storeOp('complete', t0 + 120, 35);
    trace.storeOp('claim', t0 + 400, 5);
    const r = trace.stop();
    expect(r.slowTasks).toBe(4);
    const stalls = r.stalls.map(({ loopGapMs: _gap, majorGc: _gc, ...s }) => ({ ...s, atMs: Math.round(s.atMs), spanMs: Math.round(s.spanMs) }));
    expect(stalls).toEqual([
      { atMs: 100, spanMs: 65, tasks: 3, maxMs: 45, storeOpMs: 35 },
      { atMs: 700, spanMs: 60, tasks: 1, maxMs: 60, storeOpMs: 0 },
    ]);
    expect(r.slowStoreOps.map(([, ms, op]) => [ms, op])).toEqual([[35, 'complete']]);
  });

  it('keeps the 100 longest entries of a series, in their order', () => {
    const trace = startStallTrace(20, 10);
    const t0 = performance.now();
    for (let i = 0; i < 150; i++) trace.storeOp('update', t0 + i * 100, 11 + (i % 50));
    const ops = trace.stop().slowStoreOps;
    expect(ops).toHaveLength(100);
    expect(Math.min(...ops.map(([, ms]) => ms))).toBeGreaterThanOrEqual(27);
    expect(ops.map(([at]) => at)).toEqual([...ops.map(([at]) => at)].sort((a, b) => a - b));
  });
});
