/**
 * reconnectBenchSlos: the targets evaluated from benchmark rows, and
 * left out when their cells were not measured.
 */
import { describe, expect, it } from 'vitest';
import { reconnectBenchSlos } from '../../harness/report/bench-slo.js';
import type { BenchRow } from '../../harness/report/model.js';
import { benchFixture } from './fixtures.js';

const row = (over: Partial<BenchRow>): BenchRow => ({
  condition: 'clean',
  strategy: 'full-jitter',
  fleetSize: 1,
  p50: 1,
  p95: 1,
  p99: 1,
  max: 1,
  beyondBackoffP99: 1,
  failedHandshakes: 0,
  loopLagP99: 1,
  cpuPercent: 1,
  ...over,
});

describe('reconnectBenchSlos', () => {
  it('checks single-worker overhead against the floor, the herd, loop lag and completions', () => {
    const slos = reconnectBenchSlos({
      floor: { p50: 0.3, p99: 0.5 },
      benchRows: [
        row({ strategy: 'none', beyondBackoffP99: 0.9 }),
        row({ strategy: 'full-jitter', beyondBackoffP99: 2.8 }), // 0.5 + 2 = 2.5 < 2.8: fails
        row({ strategy: 'full-jitter', fleetSize: 500, max: 1800, loopLagP99: 61 }),
        row({ strategy: 'none', fleetSize: 500, max: 900, loopLagP99: 90 }),
        row({ condition: 'latency-50ms', fleetSize: 500, max: 9000 }),
      ],
      completions: { expected: 10, completed: 10, lost: 0, duplicated: 0 },
    });
    expect(slos.map((s) => [s.name.split(':')[0], s.measured, s.passed])).toEqual([
      ['one worker, clean link', 2.8, false],
      ['500 workers healed at once, full-jitter', 1800, true],
      ['500 workers healed at once, none (comparison only)', 900, true],
      ['coordinator event-loop lag p99, 500 workers (jittered strategies)', 61, false],
      ['no lost or duplicated completions', 0, true],
    ]);
    expect(slos[0]?.target).toBeCloseTo(2.5, 9);
  });

  it('leaves out targets whose cells were not measured', () => {
    expect(reconnectBenchSlos({ benchRows: [row({ condition: 'latency-50ms' })] })).toEqual([]);
  });

  it('evaluates the full fixture', () => {
    const r = benchFixture();
    const slos = reconnectBenchSlos({ benchRows: r.benchRows, floor: r.floor, completions: r.metrics.completions });
    expect(slos).toHaveLength(5);
    expect(slos.every((s) => typeof s.measured === 'number')).toBe(true);
  });
});
