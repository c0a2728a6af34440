/**
 * A busy event loop in simulation (Host.busy) and production's sliced burn on
 * it (harness/sim/virtual-cpu.ts): while a slice runs nothing the process
 * receives is read and none of its timers fires; burns yield between slices,
 * so the process's timers keep firing within a slice of their time, and a
 * SIGSTOP that lands during a slice outlasts it.
 */
import { describe, expect, it } from 'vitest';
import { Simulation, virtualCpu } from '../../harness/sim/index.js';

function world() {
  const sim = new Simulation({ seed: 1 });
  const host = sim.host('p');
  host.boot();
  return { sim, host };
}

describe('busy event loop', () => {
  it('holds deliveries and timers until the slice ends, then handles what arrived before due timers', async () => {
    const { sim, host } = world();
    const seen: string[] = [];
    host.clock.setTimeout(() => seen.push(`timer@${sim.simulatedMs}`), 10);
    sim.time.setTimeout(() => host.deliver(host.incarnation, () => seen.push(`delivery@${sim.simulatedMs}`)), 20);
    host.busy(50);
    await sim.runFor(100);
    expect(seen).toEqual(['delivery@50', 'timer@50']);
  });

  it('a pause during a slice keeps the process stopped after the slice, until resume', async () => {
    const { sim, host } = world();
    const seen: number[] = [];
    host.clock.setTimeout(() => seen.push(sim.simulatedMs), 10);
    host.busy(50);
    await sim.runFor(20);
    host.pause();
    await sim.runFor(100);
    expect(seen).toEqual([]);
    host.resume();
    expect(seen).toEqual([120]);
  });

  it('a long burn lets a 100 ms interval fire within a slice of its time; a burn that never yields would hold it', async () => {
    const { sim, host } = world();
    const ticks: number[] = [];
    host.clock.setInterval(() => ticks.push(sim.simulatedMs), 100);
    let tookMs = -1;
    void virtualCpu(host.clock, host).burn(1_000, new AbortController().signal).then(() => {
      tookMs = sim.simulatedMs;
    });
    await sim.runFor(1_200);
    expect(tookMs).toBe(1_000);
    expect(ticks.length).toBeGreaterThanOrEqual(11);
    for (const [i, t] of ticks.entries()) expect(t - (i + 1) * 100).toBeLessThanOrEqual(5);
  });
});
