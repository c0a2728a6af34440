import { describe, expect, it } from 'vitest';
import { SimBudgetExceeded } from './step-budget.js';
import { VirtualTime } from './virtual-time.js';

describe('the step budget', () => {
  it('stops a run that never runs out of events at exactly maxSteps, whatever the machine', async () => {
    const time = new VirtualTime(0, { maxSteps: 50 });
    // A timer that re-arms itself every ms: a livelock in miniature.
    const loop = (): void => void time.setTimeout(loop, 1);
    loop();
    const err: unknown = await time.runUntil(10_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimBudgetExceeded);
    expect(time.steps).toBe(50);
    const e = err as SimBudgetExceeded;
    expect([e.steps, e.budget, e.simulatedMs]).toEqual([50, 50, 50]);
    expect(e.message).toBe('the simulation did not finish: 50 events by t=50 ms (budget 50); livelock?');
  });

  it('is no cap by default', async () => {
    const time = new VirtualTime(0);
    let n = 0;
    const loop = (): void => void time.setTimeout(() => (n++, loop()), 1);
    loop();
    await time.runUntil(5_000);
    expect(n).toBe(4_999);
  });
});
