/** HTTP to the coordinator across the virtual network, and a larger fleet losing the network at once. */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../harness/sim/index.js';

describe('HTTP over the virtual network', () => {
  it('reaches the coordinator API when the link is up, times out across a partition', async () => {
    const sim = new Simulation({ seed: 9 });
    await sim.spawnCoordinator();
    sim.host('client').boot();
    sim.net.addRuleBothWays('client', 'coordinator', { type: 'latency', latency: 25 });
    const t0 = sim.simulatedMs;
    const body = JSON.stringify({ kind: 'echo', params: { value: 'hi' } });
    const res = await sim.settle(
      sim.net.http('client', 'http://coordinator:7000/api/v1/executions', { method: 'POST', path: '/api/v1/executions', headers: { 'content-type': 'application/json' }, body }),
    );
    expect(res.status).toBeLessThan(300);
    expect(sim.simulatedMs - t0).toBeGreaterThanOrEqual(50);
    const cut = sim.net.partition(['client'], ['coordinator']);
    const pending = sim.net.http('client', 'http://coordinator:7000/api/v1/stats', { method: 'GET', path: '/api/v1/stats', headers: {}, body: '' }, 5_000);
    await expect(sim.settle(pending)).rejects.toMatchObject({ code: 'timeout' });
    cut.remove();
  });
});

describe('a fleet losing the network at once', () => {
  it('200 workers cut off for 20 s all register again after heal', async () => {
    const sim = new Simulation({ seed: 7 });
    await sim.spawnCoordinator({ config: { heartbeatMs: 1_000, heartbeatTimeoutMs: 3_000 } });
    const ids = Array.from({ length: 200 }, (_, i) => `w${i}`);
    for (const id of ids) sim.spawnWorker(id, { config: { heartbeatMs: 1_000, backoff: { strategy: 'full-jitter', initialMs: 100, maxMs: 5_000 } } });
    const ready = (): number => ids.filter((id) => sim.worker(id).instance?.state === 'ready').length;
    expect(await sim.runUntil(() => ready() === ids.length, { maxMs: 30_000 })).toBe(true);
    const cut = sim.net.partition(ids, ['coordinator']);
    await sim.runFor(20_000);
    expect(ready()).toBe(0);
    cut.remove();
    expect(await sim.runUntil(() => ready() === ids.length, { maxMs: 60_000 })).toBe(true);
    expect(sim.coordinatorInstance.workers().length).toBeGreaterThanOrEqual(ids.length);
  });
});
