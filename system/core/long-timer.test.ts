import FakeTimers from '@sinonjs/fake-timers';
import { describe, expect, it } from 'vitest';
import type { TimerHandle } from './clock.js';
import { chainTimeout, MAX_TIMER_MS } from './long-timer.js';

const DAY = 24 * 3600 * 1000;

function fake(): { clock: FakeTimers.Clock; set: (fn: () => void, ms: number) => TimerHandle } {
  const clock = FakeTimers.createClock(0);
  return {
    clock,
    set: (fn, ms) => {
      const id = clock.setTimeout(fn, ms);
      return { cancel: () => clock.clearTimeout(id) };
    },
  };
}

describe('chainTimeout', () => {
  it('a 30-day timer fires at 30 days, not after 1 ms', () => {
    const { clock, set } = fake();
    let firedAt = -1;
    chainTimeout(set, () => (firedAt = clock.now), 30 * DAY);
    clock.tick(1000);
    expect(firedAt).toBe(-1);
    clock.tick(30 * DAY - 1001);
    expect(firedAt).toBe(-1);
    clock.tick(1);
    expect(firedAt).toBe(30 * DAY);
  });

  it('without chaining (the old code) the same timer fires after 1 ms', () => {
    const { clock, set } = fake();
    let firedAt = -1;
    set(() => (firedAt = clock.now), 30 * DAY);
    clock.tick(10);
    expect(firedAt).toBe(1);
  });

  it('cancel stops a chained timer between steps, and short timers are one step', () => {
    const { clock, set } = fake();
    let fired = 0;
    const h = chainTimeout(set, () => fired++, 3 * MAX_TIMER_MS);
    clock.tick(MAX_TIMER_MS + 5);
    h.cancel();
    clock.tick(3 * MAX_TIMER_MS);
    expect(fired).toBe(0);
    chainTimeout(set, () => fired++, 5);
    clock.tick(5);
    expect(fired).toBe(1);
  });
});
