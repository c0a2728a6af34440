/**
 * Deadlines after a reload, on synthetic histories. Promise 13's renewal
 * rule (harness/check/promises-renewal.ts): a lease lives leaseMs -
 * heartbeatMs/2 past its holder's last proof of life: a message about it, a
 * sync that confirmed it, or (from its claim or that sync on) any traffic
 * from the holder. And across a store failure, a reload keeps the deadlines
 * already running: the coordinator's timeout (promise 17) and a waiting
 * retry's nextRunAt (promise 5), due at the recovery if they fell inside it.
 * Context: leaseMs 3000, heartbeatMs 500, tolerance 100.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { checkRenewal } from '../../harness/check/promises-renewal.js';
import { HistoryView } from '../../harness/check/view.js';
import { H, baseContext } from './builder.js';

const messages = (h: H): string[] => checkRenewal(new HistoryView(h.history()), baseContext).map((v) => v.message);

/** w1 holds lease L of x1 (claimed at 0); the store fails at 1000 and a reload at 2000 brings L back (deadline 5000, unconfirmed). */
function reloaded(): H {
  const h = new H().connect('w1').submit('x1').claim('x1', 'w1', 1, 'L').start('x1', 'w1', 1, 'L');
  h.at(1000).emit('coordinator', { type: 'store_failed', error: 'ENOSPC' });
  return h.at(2000).emit('coordinator', { type: 'store_recovered', downMs: 1000, rolledBack: 1 });
}

const confirm = (h: H, t: number): H => h.at(t).emit('coordinator', { type: 'sync_answered', workerId: 'w1', sessionId: 's2', connectionId: 'c2', confirmed: ['L'], revoked: 0 });
const data = (h: H, t: number): H => h.at(t).emit('coordinator', { type: 'msg_delivered', workerId: 'w1', sessionId: 's2', connectionId: 'c2', dir: 'to_coordinator', seq: 2, msgType: 'data' });

describe('lease renewal by every proof of life (promise 13)', () => {
  it('flags a reloaded lease expiring at its old deadline after a sync confirmed it', () => {
    const h = confirm(reloaded(), 3000);
    h.at(5000).expire('x1', 'w1', 1, 'L');
    expect(messages(h)).toEqual([
      "lease L expired at t=5000, though its holder w1's sync confirmed it at t=3000: that sync renews it until t=5750 at the earliest (leaseMs 3000 - heartbeatMs/2)",
    ]);
  });

  it('passes the same lease expiring a lease period after the confirming sync', () => {
    const h = confirm(reloaded(), 3000);
    h.at(6000).expire('x1', 'w1', 1, 'L');
    expect(messages(h)).toEqual([]);
  });

  it('counts any traffic from the holder after the confirming sync', () => {
    const h = data(confirm(reloaded(), 3000), 4000);
    h.at(6100).expire('x1', 'w1', 1, 'L');
    expect(messages(h)).toEqual([
      'lease L expired at t=6100, though its holder w1 was heard from at t=4000: that traffic renews it until t=6750 at the earliest (leaseMs 3000 - heartbeatMs/2)',
    ]);
  });

  it('does not count traffic before the confirming sync across a reload (traffic does not renew an unconfirmed lease)', () => {
    const h = data(reloaded(), 2500);
    h.at(5000).expire('x1', 'w1', 1, 'L');
    expect(messages(h)).toEqual([]);
  });

  it('does not judge across a store failure after the confirming sync', () => {
    const h = confirm(reloaded(), 3000);
    h.at(3500).emit('coordinator', { type: 'store_failed', error: 'EIO' });
    h.at(4000).emit('coordinator', { type: 'store_recovered', downMs: 500, rolledBack: 0 });
    h.at(5000).expire('x1', 'w1', 1, 'L');
    expect(messages(h)).toEqual([]);
  });

  it('judges a lease kept over a coordinator restart from the sync that confirmed it in the new life', () => {
    const h = new H().connect('w1').submit('x1').claim('x1', 'w1', 1, 'L').start('x1', 'w1', 1, 'L');
    const restart = { id: 'r1', action: 'restart', target: 'coordinator', coordinator: true };
    h.at(1000).fault('start', restart).fault('stop', restart);
    confirm(h, 1500);
    h.at(3000).expire('x1', 'w1', 1, 'L');
    expect(messages(h)).toHaveLength(1);
    expect(messages(h)[0]).toMatch(/expired at t=3000, though its holder w1's sync confirmed it at t=1500/);
    // Without the sync there is nothing to judge from in the new life.
    const quiet = new H().connect('w1').submit('x1').claim('x1', 'w1', 1, 'L').start('x1', 'w1', 1, 'L');
    quiet.at(1000).fault('start', restart).fault('stop', restart);
    quiet.at(3000).expire('x1', 'w1', 1, 'L');
    expect(messages(quiet)).toEqual([]);
  });
});

describe('the coordinator timeout across a store failure (promise 17)', () => {
  /** e1 (timeoutMs 600 + grace 2000: due at 2700) claimed at 100; the store fails 1000..`upAt`; the lease ends at `endAt`. */
  function timed(upAt: number, endAt: number): string[] {
    const h = new H().at(0).connect('w1');
    const i = h.rec.recordInvoke({ ref: 'ref-e1', kind: 'sleep', tasks: [{ kind: 'sleep', params: { durationMs: 5000 }, timeoutMs: 600 }] });
    h.emit('coordinator', { type: 'submitted', executionId: 'e1', kind: 'sleep', dependencies: [], maxAttempts: 1, priority: 'medium' }).status('e1', null, 'scheduled', 0);
    h.rec.recordOk(i, { executionIds: ['e1'] });
    h.at(100).claim('e1', 'w1', 1, 'L1');
    h.at(1000).emit('coordinator', { type: 'store_failed', error: 'ENOSPC' });
    h.at(upAt).emit('coordinator', { type: 'store_recovered', downMs: upAt - 1000, rolledBack: 0 });
    h.at(endAt).emit('coordinator', { type: 'lease_expired', executionId: 'e1', workerId: 'w1', attempt: 1, leaseToken: 'L1' });
    return checkHistory(h.history(), ['timeouts'], baseContext).map((v) => v.message);
  }
  it('a timeout due while the store failed ends the lease at the recovery', () => {
    expect(timed(4000, 4050)).toEqual([]);
    expect(timed(4000, 4300)).toEqual([expect.stringMatching(/lease L1 .* or by t=4000 after the coordinator came back .* or its store recovered \(a reload keeps the deadline\)/)]);
  });
  it('a timeout due after the recovery keeps its deadline (not one counted from the reload)', () => {
    expect(timed(2000, 2750)).toEqual([]);
    expect(timed(2000, 4000)).toEqual([expect.stringMatching(/lease L1 \(attempt 1, w1\) lasted 3900 ms after it started; timeoutMs 600 \+ grace 2000 should have ended it$/)]);
  });
});

describe("the coordinator timeout of a retried attempt across a restart counts from ITS claim (promise 17, blind set 16 #27)", () => {
  /** e1 (timeoutMs 600 + grace 2000, one retry): attempt 1 claimed at 100 fails at 200; attempt 2 claimed at 1800 never starts; a restart 2000..2300; the coordinator times L2 out at `endAt`. */
  function retriedThenTimedOut(endAt: number): string[] {
    const h = new H().at(0).connect('w1');
    const i = h.rec.recordInvoke({ ref: 'ref-e1', kind: 'sleep', tasks: [{ kind: 'sleep', params: { durationMs: 5000 }, timeoutMs: 600 }] });
    h.emit('coordinator', { type: 'submitted', executionId: 'e1', kind: 'sleep', dependencies: [], maxAttempts: 2, priority: 'medium' }).status('e1', null, 'scheduled', 0);
    h.rec.recordOk(i, { executionIds: ['e1'] });
    h.at(100).claim('e1', 'w1', 1, 'L1').start('e1', 'w1', 1, 'L1');
    h.at(200).finish('e1', 'w1', 1, 'L1', 'failed', 'retrying');
    h.at(1800).claim('e1', 'w1', 2, 'L2', undefined, 'retrying');
    h.at(2000).fault('start', { id: 'k1', action: 'kill', target: 'coordinator', coordinator: true });
    h.at(2300).fault('stop', { id: 'k1', action: 'kill', target: 'coordinator', coordinator: true });
    h.at(endAt).emit('coordinator', { type: 'lease_released', executionId: 'e1', workerId: 'w1', attempt: 2, leaseToken: 'L2', reason: 'timeout' });
    return checkHistory(h.history(), ['timeouts'], baseContext).map((v) => v.message);
  }
  it("flags a claimed-not-started attempt timed out at the recovery, its timeout counted from attempt 1's claim", () => {
    expect(retriedThenTimedOut(2300)).toEqual([
      "lease L2 (attempt 2, w1) was timed out by the coordinator at t=2300, 500 ms after its claim (t=1800), never started: its timeoutMs + grace (2600 ms) count from this attempt's own claim",
    ]);
  });
  it('passes the same attempt timed out timeoutMs + grace after its own claim', () => {
    expect(retriedThenTimedOut(4400)).toEqual([]);
  });
});

describe('a retry delay across a store failure (promise 5)', () => {
  /** e1 (fixed 1500 ms retry) fails on w1 at 200 (due 1700); the store fails 1000..`upAt`; w2 idle; the retry is claimed at `claimAt`. */
  function retried(upAt: number, claimAt: number): string[] {
    const h = new H().at(0).connect('w1').connect('w2');
    h.submit('e1', { maxAttempts: 2, retry: { strategy: 'fixed', maxRetries: 1, delayMs: 1500, maxDelayMs: 60_000 } });
    h.at(100).claim('e1', 'w1', 1, 'L1').start('e1', 'w1', 1, 'L1');
    h.at(200).finish('e1', 'w1', 1, 'L1', 'failed', 'retrying');
    h.at(1000).emit('coordinator', { type: 'store_failed', error: 'ENOSPC' });
    h.at(upAt).emit('coordinator', { type: 'store_recovered', downMs: upAt - 1000, rolledBack: 0 });
    h.at(claimAt).claim('e1', 'w2', 2, 'L2', undefined, 'retrying');
    return checkHistory(h.history(), ['retries'], baseContext).map((v) => v.message);
  }
  it('a retry due while the store failed is due at the recovery', () => {
    expect(retried(4000, 4050)).toEqual([]);
    expect(retried(4000, 5600)).toEqual([expect.stringMatching(/retried 5400 ms after failure 1; .* asks for 1500 ms \(the store failed until t=4000; a reload keeps the retry's time\), and w\d was idle at t=4100: the retry came too late/)]);
  });
  it('a retry due after the recovery keeps its time', () => {
    expect(retried(1500, 1750)).toEqual([]);
    expect(retried(1500, 3100)).toEqual([expect.stringMatching(/retried 2900 ms after failure 1; strategy fixed \(delay 1500, cap 60000\) asks for 1500 ms, and w\d was idle at t=1800: the retry came too late/)]);
  });
});
