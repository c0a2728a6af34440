// The live-run page's mid-run safety checks over a real TimelineBuffer, clock driven by the test:
// a double claim shows up before the run ends, entries younger than the settle time wait,
// and the wait before the next check grows with the check's cost.
import { describe, expect, it } from 'vitest';
import type { SystemEvent } from '../../../system/core/events.js';
import { ProgressiveChecker } from '../../check/prefix-safe.js';
import { TimelineBuffer } from '../timeline-buffer.js';
import { LiveSafetyWatch } from './live-safety.js';
import type { EarlyViolation } from '../../check/prefix-safe.js';

const ctx = { heartbeatMs: 500, heartbeatTimeoutMs: 2000, leaseMs: 3000, healMs: 10_000, backoff: { strategy: 'full-jitter', initialMs: 100, maxMs: 2000, multiplier: 2 }, toleranceMs: 100, minCapSpread: 0.5 };
const ev = (e: Record<string, unknown>): SystemEvent => ({ at: 0, source: 'coordinator', ...e }) as unknown as SystemEvent;
const claim = (w: string, token: string, attempt: number): SystemEvent => ev({ type: 'claimed', executionId: 'x', workerId: w, attempt, leaseToken: token });

describe('LiveSafetyWatch', () => {
  it('reports a double claim mid-run once it is older than the settle time', () => {
    let now = 0;
    const buf = new TimelineBuffer(0);
    const found: EarlyViolation[] = [];
    const watch = new LiveSafetyWatch((upTo) => buf.history(upTo), new ProgressiveChecker('all', ctx), (v) => found.push(...v), { now: () => now, settleMs: 1000 });
    buf.event(10, claim('w1', 't1', 1));
    now = 2000;
    watch.tick();
    expect(found).toEqual([]);
    buf.event(2500, claim('w2', 't2', 2));
    now = 3000; // the second claim is 500 ms old: not settled yet
    watch.tick();
    expect(found).toEqual([]);
    now = 4000;
    watch.tick();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ promise: 3, name: 'no-double-ownership', time: 2500 });
    now = 6000;
    watch.tick();
    expect(found).toHaveLength(1);
    expect(watch.stats.checks).toBe(4);
    expect(watch.stats.records).toBe(2);
  });

  it('waits longer after an expensive check (at most maxShare of the time spent checking)', () => {
    let now = 0;
    const slow = (): never[] => {
      now += 300; // the check "costs" 300 ms of the test's clock
      return [];
    };
    const watch = new LiveSafetyWatch(slow, new ProgressiveChecker('all', ctx), () => undefined, { now: () => now, everyMs: 2000, maxShare: 0.05 });
    expect(watch.tick()).toBe(6000);
    expect(watch.stats.maxMs).toBe(300);
  });
});
