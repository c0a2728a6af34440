/**
 * Smoke test of the reconnection benchmark: one worker, five cuts, clean link.
 * Checks that the figures are sane (non-negative, a positive floor, one sample
 * per cut, nothing lost), never how fast they are.
 */
import { describe, expect, it } from 'vitest';
import { runReconnectBench } from '../../harness/live/bench-reconnect.js';

describe('live: bench reconnect smoke', () => {
  it('produces sane numbers', async () => {
    const { json, result } = await runReconnectBench({
      conditions: ['clean'], strategies: ['full-jitter'], fleets: [1], cuts: 5, downMs: 100,
      backoff: { initialMs: 10, maxMs: 100 }, floorSamples: 10, reportDir: null, progress: false,
    });
    const floor = json.floor as { direct: { p50: number; p99: number }; proxied: { p50: number } };
    expect(floor.direct.p50).toBeGreaterThan(0);
    expect(floor.proxied.p50).toBeGreaterThan(0);
    expect(floor.direct.p99).toBeGreaterThanOrEqual(floor.direct.p50);
    const rows = result.benchRows ?? [];
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.samples).toBe(5);
    expect(row.p50).toBeGreaterThan(0);
    expect(row.p99).toBeGreaterThanOrEqual(row.p50);
    expect(row.beyondBackoffP99).toBeGreaterThanOrEqual(0);
    expect(row.beyondBackoffP99).toBeLessThanOrEqual(row.max);
    expect(row.failedHandshakes).toBeGreaterThanOrEqual(0);
    expect(row.lost).toBe(0);
    expect(row.duplicated).toBe(0);
  }, 90_000);
});
