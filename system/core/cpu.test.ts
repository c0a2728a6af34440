/**
 * The sliced burn (slicedCpu): production's loop, run here on a scripted
 * host. It yields to the event loop after every slice of at most 5 ms (blind
 * set 16 #18 dropped the yield: the worker's loop was held for the whole
 * burn), and checks its abort signal before each slice.
 */
import { describe, expect, it } from 'vitest';
import { CPU_SLICE_MS, realCpu, slicedCpu, type BurnHost } from './cpu.js';

/** A host whose clock moves only when the burn spins; it logs spins and yields. */
function scripted(onYield: (log: string[]) => void = () => {}): { host: BurnHost; log: string[] } {
  let t = 100;
  const log: string[] = [];
  const host: BurnHost = {
    now: () => t,
    spin(until) {
      log.push(`spin ${until - t}`);
      t = until;
    },
    yieldToLoop: () => {
      log.push('yield');
      onYield(log);
      return Promise.resolve();
    },
  };
  return { host, log };
}

describe('slicedCpu', () => {
  it('burns in slices of at most 5 ms, yielding to the event loop after each', async () => {
    const { host, log } = scripted();
    await slicedCpu(host).burn(12, new AbortController().signal);
    expect(log).toEqual([`spin ${CPU_SLICE_MS}`, 'yield', `spin ${CPU_SLICE_MS}`, 'yield', 'spin 2', 'yield']);
  });

  it('honours an abort that arrived while the event loop ran, before the next slice', async () => {
    const ac = new AbortController();
    const { host, log } = scripted((l) => {
      if (l.length === 4) ac.abort(new Error('cancelled'));
    });
    await expect(slicedCpu(host).burn(50, ac.signal)).rejects.toThrow('cancelled');
    expect(log).toEqual(['spin 5', 'yield', 'spin 5', 'yield']);
  });

  it('realCpu takes about its duration', async () => {
    const t0 = performance.now();
    await realCpu.burn(20, new AbortController().signal);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(20);
  });
});
