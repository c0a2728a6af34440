import { describe, expect, it } from 'vitest';
import { systemClock } from './clock.js';

const nextImmediate = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('systemClock.setTimeout', () => {
  it('runs a zero-delay callback in the immediate queue, in order, not after a 1 ms timer', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('immediate before'));
    systemClock.setTimeout(() => order.push('zero delay'), 0);
    systemClock.setTimeout(() => order.push('negative delay'), -5);
    setImmediate(() => order.push('immediate after'));
    await nextImmediate();
    expect(order).toEqual(['immediate before', 'zero delay', 'negative delay', 'immediate after']);
  });

  it('a cancelled zero-delay callback never runs', async () => {
    let ran = false;
    systemClock.setTimeout(() => (ran = true), 0).cancel();
    await nextImmediate();
    await nextImmediate();
    expect(ran).toBe(false);
  });

  it('rounds a fractional delay up to whole milliseconds (never early; no timer list or boxed number of its own in Node)', () => {
    const h = systemClock.setTimeout(() => undefined, 3.2);
    expect((h as unknown as { t: { _idleTimeout: number } }).t._idleTimeout).toBe(4);
    h.cancel();
  });
});
