/** Process clocks: kill cancels everything, pause defers, skew offsets now() only. */
import { describe, expect, it } from 'vitest';
import { sleep } from '../../system/core/clock.js';
import { Simulation } from '../../harness/sim/index.js';

function world() {
  const sim = new Simulation({ seed: 1 });
  const host = sim.host('p');
  host.boot();
  return { sim, host };
}

describe('process clock', () => {
  it('timers of a killed process never fire, and a dead clock ignores new timers', async () => {
    const { sim, host } = world();
    const fired: string[] = [];
    const clock = host.clock;
    clock.setTimeout(() => fired.push('t'), 100);
    clock.setInterval(() => fired.push('i'), 30);
    await sim.runFor(70);
    expect(fired).toEqual(['i', 'i']);
    host.kill();
    clock.setTimeout(() => fired.push('late'), 1);
    await sim.runFor(1_000);
    expect(fired).toEqual(['i', 'i']);
    expect(clock.pendingTimers).toBe(0);
    expect(sim.time.pendingTimers()).toBe(0);
  });

  it('a restarted process gets a fresh clock; the old incarnation stays dead', async () => {
    const { sim, host } = world();
    const fired: string[] = [];
    const old = host.clock;
    old.setTimeout(() => fired.push('old'), 50);
    host.boot();
    host.clock.setTimeout(() => fired.push('new'), 50);
    await sim.runFor(100);
    expect(fired).toEqual(['new']);
  });

  it('timers of a paused process fire only after resume, in due order; intervals coalesce', async () => {
    const { sim, host } = world();
    const fired: string[] = [];
    host.clock.setTimeout(() => fired.push('a@100'), 100);
    host.clock.setTimeout(() => fired.push('b@200'), 200);
    host.clock.setInterval(() => fired.push('tick'), 50);
    const cancelled = host.clock.setTimeout(() => fired.push('cancelled'), 150);
    await sim.runFor(40);
    host.pause();
    await sim.runFor(400);
    cancelled.cancel();
    expect(fired).toEqual([]);
    host.resume();
    expect(fired).toEqual(['tick', 'a@100', 'b@200']);
    await sim.runFor(50);
    expect(fired.filter((f) => f === 'tick')).toHaveLength(2);
  });

  it('sleep() on a process clock follows virtual time', async () => {
    const { sim, host } = world();
    let woke = -1;
    void sleep(host.clock, 2_500).then(() => {
      woke = sim.simulatedMs;
    });
    await sim.runFor(10_000);
    expect(woke).toBe(2_500);
  });

  it('skew shifts now() of one host only; monotonic and timers are unaffected', async () => {
    const { sim, host } = world();
    const other = sim.host('q');
    other.boot();
    sim.setClockSkew('p', 5_000);
    expect(host.clock.now() - other.clock.now()).toBe(5_000);
    expect(host.clock.monotonic()).toBe(other.clock.monotonic());
    let at = 0;
    host.clock.setTimeout(() => (at = sim.simulatedMs), 100);
    await sim.runFor(200);
    expect(at).toBe(100);
    host.boot();
    expect(host.clock.now() - other.clock.now()).toBe(5_000);
  });

  it('runUntil stops as soon as the predicate holds', async () => {
    const { sim, host } = world();
    let n = 0;
    host.clock.setInterval(() => n++, 10);
    const held = await sim.runUntil(() => n >= 5, { maxMs: 1_000 });
    expect(held).toBe(true);
    expect(sim.simulatedMs).toBe(50);
    const never = await sim.runUntil(() => n < 0, { maxMs: 100 });
    expect(never).toBe(false);
    expect(sim.simulatedMs).toBe(150);
  });

  it('an interval past 2^31-1 ms is capped as the system caps it (not Node\'s 1 ms), and each interval\'s firings are counted', async () => {
    const { sim, host } = world();
    const fired: string[] = [];
    const clock = host.clock;
    clock.setInterval(() => fired.push('month'), 30 * 86_400_000);
    const short = clock.setInterval(() => fired.push('i'), 25);
    await sim.runFor(110);
    short.cancel();
    await sim.runFor(1_000);
    expect(fired).toEqual(['i', 'i', 'i', 'i']);
    // The cancelled one fired at its pace: only the live month-long one is listed.
    expect(clock.intervalPaces()).toEqual([{ periodMs: 30 * 86_400_000, armedAt: 0, fires: 0 }]);
  });
});

