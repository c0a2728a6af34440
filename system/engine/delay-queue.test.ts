import { describe, expect, it } from 'vitest';
import { asExecutionId, type ExecutionId } from '../core/ids.js';
import { DelayQueue } from './delay-queue.js';
import { fakeClock } from './testing.js';

describe('DelayQueue', () => {
  it('hands entries over when due, in due order, with one timer', async () => {
    const time = fakeClock();
    const due: ExecutionId[] = [];
    const q = new DelayQueue(time.clock, (x) => due.push(x));
    const t0 = time.clock.now();
    q.schedule(asExecutionId('late'), t0 + 300);
    q.schedule(asExecutionId('early'), t0 + 100);
    q.schedule(asExecutionId('gone'), t0 + 50);
    q.remove(asExecutionId('gone'));
    expect(time.fake.countTimers()).toBe(1);
    await time.tickAsync(99);
    expect(due).toEqual([]);
    await time.tickAsync(1);
    expect(due).toEqual(['early']);
    await time.tickAsync(200);
    expect(due).toEqual(['early', 'late']);
    expect(q.size).toBe(0);
    expect(time.fake.countTimers()).toBe(0);
  });

  it('close() cancels the timer', async () => {
    const time = fakeClock();
    const due: ExecutionId[] = [];
    const q = new DelayQueue(time.clock, (x) => due.push(x));
    q.schedule(asExecutionId('a'), time.clock.now() + 10);
    q.close();
    await time.tickAsync(100);
    expect(due).toEqual([]);
  });
});
