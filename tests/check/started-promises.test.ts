/**
 * Promise 11, starts (harness/check/promises-started.ts), on synthetic
 * histories: a worker that starts one lease twice is reported; once is not.
 * (The other half, a start the coordinator never saw, is shown on a real run
 * with a broken decoder: tests/sim/broken-started.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const started = (h: H, lease: string): H => h.emit('w1', { type: 'task_started', executionId: 'e1', workerId: 'w1', attempt: 1, leaseToken: lease });

describe('11 delivery: an assign runs once', () => {
  it('reports a lease started twice by one worker, not two leases started once each', () => {
    const twice = started(started(new H().connect('w1').at(10), 'ls1').at(50), 'ls1');
    expect(checkHistory(twice.history(), ['delivery'], baseContext).map((v) => v.message)).toEqual([
      expect.stringMatching(/w1 started lease ls1 \(attempt 1 of e1\) again at t=\d+, after starting it at t=\d+: an assign runs once/),
    ]);
    const once = started(started(new H().connect('w1').at(10), 'ls1').at(50), 'ls2');
    expect(checkHistory(once.history(), ['delivery'], baseContext)).toEqual([]);
  });
});
