/** The simulated network's fractional base latency (scenario `network.latencyMs`, harness/scenario/schema-network.ts). */
import { describe, expect, it } from 'vitest';
import { netWorld } from './net-world.js';

describe('virtual network: fractional latency', () => {
  it('delivers frames a fraction of a millisecond later, on monotonic time, while wall clocks stay whole', async () => {
    const w = await netWorld();
    w.sim.net.baseLatencyMs = 0.35;
    const { client, server } = await w.connect();
    const clock = w.sim.host('cli').clock;
    const sentAt = w.sim.simulatedMs;
    const mono = clock.monotonic();
    client.conn.send('ping');
    await w.sim.runUntil(() => server.got.length > 0, { maxMs: 5 });
    // Stopped at the delivery: a fraction of a millisecond into it, on monotonic time only.
    expect(Number.isInteger(clock.monotonic() - mono)).toBe(false);
    expect(Number.isInteger(clock.now())).toBe(true);
    const got = server.got[0];
    expect(got?.frame).toBe('ping');
    expect((got?.at ?? 0) - sentAt).toBeCloseTo(0.35, 2);
    const pongAt = w.sim.simulatedMs;
    server.conn.send('pong');
    await w.sim.runFor(5);
    // To the precision of epoch milliseconds in a double.
    expect((client.got[0]?.at ?? 0) - pongAt).toBeCloseTo(0.35, 2);
  });

  it('keeps frames whole-millisecond without it (every earlier trace hash)', async () => {
    const w = await netWorld();
    const { client, server } = await w.connect();
    const sentAt = w.sim.simulatedMs;
    client.conn.send('ping');
    await w.sim.runFor(5);
    expect(Number.isInteger((server.got[0]?.at ?? 0.5) - sentAt)).toBe(true);
  });
});
