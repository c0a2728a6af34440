/** Same seed ⇒ same trace hash; different seed ⇒ different hash (network-level workload). */
import { describe, expect, it } from 'vitest';
import { netWorld } from './net-world.js';

async function run(seed: number): Promise<{ hash: string; lines: string[] }> {
  const w = await netWorld(seed, { keepTrace: true });
  w.sim.net.addRuleBothWays('cli', 'srv', { type: 'latency', latency: 20, jitter: 15 });
  w.sim.net.addRule('cli', 'srv', { type: 'corrupt', probability: 0.2, toxicity: 0.9 });
  const { client, server } = await w.connect();
  // Echo on the server side so both directions carry jittered traffic.
  let n = 0;
  const workload = w.sim.random.fork('workload');
  const tick = (): void => {
    if (n++ >= 100) return;
    client.conn.send(JSON.stringify({ n, r: workload.int(0, 1_000_000) }));
    w.cli.clock.setTimeout(tick, workload.int(1, 20));
  };
  tick();
  await w.sim.runFor(5_000);
  for (const r of server.got) server.conn.send(r.frame);
  await w.sim.runFor(1_000);
  return { hash: w.sim.traceHash(), lines: w.sim.trace.lines ?? [] };
}

describe('determinism', () => {
  it('the same seed gives the same trace, line for line', async () => {
    const a = await run(42);
    const b = await run(42);
    expect(a.lines.length).toBeGreaterThan(200);
    expect(b.lines).toEqual(a.lines);
    expect(b.hash).toBe(a.hash);
  });

  it('different seeds give different trace hashes', async () => {
    const hashes = new Set<string>();
    for (const seed of [1, 2, 3, 4]) hashes.add((await run(seed)).hash);
    expect(hashes.size).toBe(4);
  });
});
