/**
 * The checker can fail: for promises 1-8, a synthetic history
 * that breaks it is reported (naming the promise, execution or worker), and
 * a clean history that exercises the same machinery passes.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { PROMISE_NAMES } from '../../harness/check/promises.js';
import { formatViolation } from '../../harness/check/violation.js';
import { H, baseContext } from './builder.js';
import { check, clean } from './clean-run.js';

describe('checkHistory on a clean run', () => {
  it('finds no violation of any promise', () => {
    // Synthetic histories name executions and leases 'a', 't1': promise 34 (their minted form) is tested in identifiers-promise.test.ts.
    const v = checkHistory(clean().history(), PROMISE_NAMES.filter((p) => p !== 'identifiers'), baseContext);
    expect(v.map(formatViolation)).toEqual([]);
  });
});

describe('1 no lost work', () => {
  it('reports an acknowledged execution that never ends', () => {
    const h = new H().connect('w1').submit('x').claim('x', 'w1', 1, 't1').at(100).phase('heal').at(20_000).phase('end');
    const [v, ...rest] = check(h, 'no-lost-work');
    expect(rest).toEqual([]);
    expect(v).toMatchObject({ promise: { number: 1 }, executionId: 'x' });
    expect(v?.message).toMatch(/never reached a terminal state \(last status preparing/);
    expect(v?.events.some((r) => r.f === 'claimed')).toBe(true);
  });
  it("reports a lease that outlives its holder's connection (work stuck behind a dead worker)", () => {
    const h = new H().connect('w1', 'c1').submit('x').claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
    h.at(1000).emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: 'c1', code: 1006, reason: '' });
    h.at(9000).expire('x', 'w1', 1, 't1');
    const v = check(h, 'no-lost-work').filter((x) => /lease/.test(x.message));
    expect(v.map((x) => x.message)).toEqual([expect.stringMatching(/w1's connection was lost at t=1000 but its lease t1 was still held 3850 ms later/)]);
    const ok = new H().connect('w1', 'c1').submit('x').claim('x', 'w1', 1, 't1');
    ok.at(1000).emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: 'c1', code: 1006, reason: '' });
    ok.at(3900).expire('x', 'w1', 1, 't1');
    expect(check(ok, 'no-lost-work').filter((x) => /lease/.test(x.message))).toEqual([]);
  });
  it('waits while the store cannot commit, then gives an overdue lease one sweep after the store recovered', () => {
    const lost = (expireAt: number): H => {
      const h = new H().connect('w1', 'c1').submit('x').claim('x', 'w1', 1, 't1');
      h.at(1000).emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: 'c1', code: 1006, reason: '' });
      h.at(2000).emit('coordinator', { type: 'store_failed', error: 'EIO' }).at(4000).emit('coordinator', { type: 'store_recovered', downMs: 2000, rolledBack: 1 });
      h.at(4500).emit('coordinator', { type: 'store_failed', error: 'EIO' }).at(4600).emit('coordinator', { type: 'store_recovered', downMs: 100, rolledBack: 0 });
      return h.at(expireAt).expire('x', 'w1', 1, 't1');
    };
    const stuck = (h: H) => check(h, 'no-lost-work').filter((x) => /lease/.test(x.message));
    // Bound 3850 ms (due t=4850, while the store fails): overdue at the recovery of t=4600, so due by 4600 + 850 = 5450.
    expect(stuck(lost(5400))).toEqual([]);
    expect(stuck(lost(5500)).map((x) => x.message)).toEqual([expect.stringMatching(/lease t1 was still held/)]);
  });
  it('reports work that ends later than the heal bound', () => {
    const h = new H().connect('w1').submit('x').at(100).phase('heal').at(20_000).run('x', 'w1', 1, 't1');
    expect(check(h, 'no-lost-work')[0]?.message).toMatch(/after heal; the bound is 10000 ms/);
  });
});

describe('2 exactly-once completion', () => {
  it('reports a result recorded with a stale lease token (no fencing)', () => {
    const h = new H().connect('w1').connect('w2').submit('x').claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
    h.at(4000).expire('x', 'w1', 1, 't1').claim('x', 'w2', 2, 't2').start('x', 'w2', 2, 't2');
    h.at(4100).emit('coordinator', { type: 'result_recorded', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', outcome: 'completed' });
    const v = check(h, 'exactly-once');
    expect(v.map((x) => x.message)).toEqual([expect.stringMatching(/lease t1 .* recorded, but the current lease is t2/)]);
  });
  it('reports a result recorded after its lease was released for another reason (cancelled)', () => {
    const h = new H().connect('w1').submit('x').claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
    h.emit('coordinator', { type: 'lease_released', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: 'cancelled' });
    h.status('x', 'running', 'cancelled', 1);
    h.at(50).emit('coordinator', { type: 'result_recorded', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', outcome: 'completed' });
    expect(check(h, 'exactly-once').map((v) => v.message)).toEqual([expect.stringMatching(/after that lease was released \(cancelled\) .*not fenced/)]);
  });
  it("reports a completion recorded under the new holder's lease before that holder finished (a stale result let through)", () => {
    const h = new H().connect('w1').connect('w2').submit('x').claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
    h.at(4000).expire('x', 'w1', 1, 't1').claim('x', 'w2', 2, 't2').start('x', 'w2', 2, 't2');
    h.at(4100).emit('w1', { type: 'task_finished', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', outcome: 'completed' });
    h.emit('coordinator', { type: 'lease_released', executionId: 'x', workerId: 'w2', attempt: 2, leaseToken: 't2', reason: 'completed' });
    h.status('x', 'running', 'completed', 2);
    h.emit('coordinator', { type: 'result_recorded', executionId: 'x', workerId: 'w2', attempt: 2, leaseToken: 't2', outcome: 'completed' });
    h.at(6000).emit('w2', { type: 'task_finished', executionId: 'x', workerId: 'w2', attempt: 2, leaseToken: 't2', outcome: 'completed' });
    expect(check(h, 'exactly-once').map((v) => v.message)).toEqual([expect.stringMatching(/lease t2 at t=4100, but that worker only finished it at t=6000: the result came from someone else/)]);
  });
  it('treats a retried failure (interim failed, then retrying) as not terminal', () => {
    const h = new H().connect('w1').submit('x', { maxAttempts: 2 }).claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1').finish('x', 'w1', 1, 't1', 'failed', 'retrying');
    h.at(10).claim('x', 'w1', 2, 't2', undefined, 'retrying').start('x', 'w1', 2, 't2').finish('x', 'w1', 2, 't2');
    expect(checkHistory(h.history(), ['exactly-once', 'no-lost-work', 'retries'], baseContext)).toEqual([]);
  });
  it("accepts a failure's result_recorded that follows the retry's claim (events follow the commit), not a result for a lease released otherwise", () => {
    const late = (releasedFor: string): H => {
      const h = new H().connect('w1').submit('x', { maxAttempts: 2 }).claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
      h.at(10).emit('w1', { type: 'task_finished', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', outcome: 'failed' });
      h.emit('coordinator', { type: 'lease_released', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: releasedFor });
      h.status('x', 'running', 'failed', 1).status('x', 'failed', 'retrying', 1);
      h.claim('x', 'w1', 2, 't2', undefined, 'retrying');
      return h.emit('coordinator', { type: 'result_recorded', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', outcome: 'failed' });
    };
    expect(check(late('failed'), 'exactly-once')).toEqual([]);
    expect(check(late('lease_expired'), 'exactly-once').map((v) => v.message)).toEqual([expect.stringMatching(/lease t1 .* recorded, but the current lease is t2 .*not fenced/)]);
  });
  it('reports a second completion and a change after a terminal state', () => {
    const h = new H().connect('w1').submit('x').run('x', 'w1', 1, 't1').at(50).run('x', 'w1', 2, 't2');
    const msgs = check(h, 'exactly-once').map((x) => x.message);
    expect(msgs).toContainEqual(expect.stringMatching(/completed twice/));
    expect(msgs).toContainEqual(expect.stringMatching(/left terminal state completed/));
  });
});

describe('3 no double ownership: one process runs a lease once', () => {
  it('reports a lease started again by the same process after it finished', () => {
    const h = new H().connect('w1').submit('x').claim('x', 'w1', 1, 'x1').start('x', 'w1', 1, 'x1');
    h.at(50).emit('w1', { type: 'task_finished', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 'x1', outcome: 'completed' });
    h.at(60).emit('w1', { type: 'task_started', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 'x1' });
    expect(check(h, 'no-double-ownership').map((v) => v.message)).toContainEqual('w1 started lease x1 again at t=60, in the same process that started it at t=0: a re-delivered assign must not run the task twice');
  });
});

describe('3 no double ownership', () => {
  it('reports a second claim while the first lease is still valid', () => {
    const h = new H().connect('w1').connect('w2').submit('x').claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
    h.at(100).emit('coordinator', { type: 'claimed', executionId: 'x', workerId: 'w2', attempt: 2, leaseToken: 't2' });
    const [v] = check(h, 'no-double-ownership');
    expect(v).toMatchObject({ executionId: 'x', workerId: 'w2' });
    expect(v?.message).toMatch(/while w1's lease t1 .* was still valid/);
  });
  it('accepts a claim after the previous lease expired', () => {
    const h = new H().connect('w1').connect('w2').submit('x').claim('x', 'w1', 1, 't1').at(4000).expire('x', 'w1', 1, 't1').claim('x', 'w2', 2, 't2');
    expect(check(h, 'no-double-ownership')).toEqual([]);
  });
});

describe('4 order', () => {
  it('reports a dependent claimed before its dependency completed', () => {
    const h = new H().connect('w1').connect('w2').submit('a').submit('b', { deps: ['a'] });
    h.claim('a', 'w1', 1, 'a1').claim('b', 'w2', 1, 'b1', undefined, 'pending').at(10).start('a', 'w1', 1, 'a1').finish('a', 'w1', 1, 'a1');
    const [v] = check(h, 'order');
    expect(v).toMatchObject({ executionId: 'b' });
    expect(v?.message).toMatch(/claimed at t=0 before its dependency a completed/);
  });
  it('reports dependencies the system dropped from a submitted graph (and the dependent run too early)', () => {
    const h = new H().connect('w1');
    const i = h.rec.recordInvoke({ ref: 'g', kind: 'graph', graph: 'chain', dependsOn: [[], [0]] });
    for (const id of ['a', 'b']) {
      h.emit('coordinator', { type: 'submitted', executionId: id, kind: 'sleep', dependencies: [], maxAttempts: 1, priority: 'medium' });
      h.status(id, null, 'scheduled', 0);
    }
    h.rec.recordOk(i, { executionIds: ['a', 'b'] });
    h.at(10).run('b', 'w1', 1, 'b1').at(20).run('a', 'w1', 1, 'a1');
    const msgs = check(h, 'order').map((v) => `${v.executionId}: ${v.message}`);
    expect(msgs).toEqual([
      expect.stringMatching(/^b: submitted with dependencies \[\] but the client asked for \[a\]: dependencies a dropped/),
      expect.stringMatching(/^b: claimed at t=10 before its dependency a completed/),
    ]);
  });
  it('reports a dependent of a failed dependency that hangs', () => {
    const h = new H().connect('w1').submit('a').submit('b', { deps: ['a'] }).claim('a', 'w1', 1, 'a1').start('a', 'w1', 1, 'a1').finish('a', 'w1', 1, 'a1', 'failed');
    expect(check(h, 'order')[0]?.message).toMatch(/dependency a ended failed but this dependent ended pending/);
    h.status('b', 'pending', 'failed', 0, 'dependency_failed');
    expect(check(h, 'order')).toEqual([]);
  });
});

describe('5 retries', () => {
  const retry = { strategy: 'exponential' as const, maxRetries: 1, delayMs: 1000, maxDelayMs: 10_000 };
  it('reports more attempts than 1 + maxRetries', () => {
    const h = new H().connect('w1').submit('x', { maxAttempts: 2 });
    h.claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1').finish('x', 'w1', 1, 't1', 'failed', 'retrying');
    h.at(2000).claim('x', 'w1', 2, 't2', undefined, 'retrying').start('x', 'w1', 2, 't2').finish('x', 'w1', 2, 't2', 'failed', 'retrying');
    h.at(4000).claim('x', 'w1', 3, 't3', undefined, 'retrying');
    expect(check(h, 'retries').map((v) => v.message)).toEqual([expect.stringMatching(/claimed again \(attempt 3\) after 2 failed attempts; at most 2/)]);
  });
  it('reports a retry earlier than the strategy allows', () => {
    const h = new H().connect('w1').submit('x', { maxAttempts: 2, retry });
    h.claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1').at(100).finish('x', 'w1', 1, 't1', 'failed', 'retrying');
    h.at(300).claim('x', 'w1', 2, 't2', undefined, 'retrying');
    expect(check(h, 'retries')[0]?.message).toMatch(/retried 200 ms after failure 1; strategy exponential .* asks for 1000 ms/);
    const ok = new H().connect('w1').submit('x', { maxAttempts: 2, retry });
    ok.claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1').at(100).finish('x', 'w1', 1, 't1', 'failed', 'retrying');
    ok.at(1100).claim('x', 'w1', 2, 't2', undefined, 'retrying');
    expect(check(ok, 'retries')).toEqual([]);
  });
  it('owes no rest of the delay once the client resumed the execution (a resume runs it now)', () => {
    const h = new H().connect('w1').submit('x', { maxAttempts: 2, retry });
    h.claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1').at(100).finish('x', 'w1', 1, 't1', 'failed', 'retrying');
    h.at(200).status('x', 'retrying', 'paused', 1, 'pause requested').at(300).status('x', 'paused', 'scheduled', 1, 'resumed');
    h.claim('x', 'w1', 2, 't2');
    expect(check(h, 'retries')).toEqual([]);
  });
});

describe('6 checkpoints', () => {
  it('reports a checkpoint that moves backwards', () => {
    const h = new H().connect('w1').submit('x').claim('x', 'w1', 1, 't1').checkpoint('x', 3, 1).at(10).checkpoint('x', 2, 1);
    expect(check(h, 'checkpoints')[0]?.message).toMatch(/checkpoint 2 saved after checkpoint 3/);
  });
  it('reports a reassigned attempt that does not resume from the latest checkpoint', () => {
    const h = new H().connect('w1').connect('w2').submit('x').claim('x', 'w1', 1, 't1').checkpoint('x', 1, 1).checkpoint('x', 2, 1);
    h.at(4000).expire('x', 'w1', 1, 't1').claim('x', 'w2', 2, 't2', 1);
    const [v] = check(h, 'checkpoints');
    expect(v).toMatchObject({ executionId: 'x', workerId: 'w2' });
    expect(v?.message).toMatch(/resumes from checkpoint 1 although checkpoint 2 was saved/);
  });
  it('reports a checkpoint saved from a lease that expired', () => {
    const h = new H().connect('w1').submit('x').claim('x', 'w1', 1, 't1').at(4000).expire('x', 'w1', 1, 't1').at(4001).checkpoint('x', 1, 1);
    expect(check(h, 'checkpoints')[0]?.message).toMatch(/not fenced/);
  });
});

describe('7 durability', () => {
  const crash = { id: 'k1', action: 'kill', target: 'coordinator', workers: [], coordinator: true };
  it('reports acknowledged work that vanishes after a coordinator crash', () => {
    const h = new H().connect('w1').submit('x').submit('y').at(100).fault('start', crash).at(2000).fault('stop', crash);
    h.at(2100).connect('w1').run('y', 'w1', 1, 'y1').at(3000).phase('end');
    const v = check(h, 'durability');
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ executionId: 'x' });
    expect(v[0]?.message).toMatch(/never seen again after the restart at t=2000/);
  });
  it('reports completed work run again, and checkpoints lost, after a restart', () => {
    const h = new H().connect('w1').submit('x').submit('y').run('x', 'w1', 1, 'x1').claim('y', 'w1', 1, 'y1').checkpoint('y', 4, 1);
    h.at(100).fault('start', crash).at(2000).fault('stop', crash);
    h.at(2100).claim('x', 'w1', 2, 'x2', undefined, 'scheduled').claim('y', 'w1', 2, 'y2', 1);
    const msgs = check(h, 'durability').map((v) => `${v.executionId}: ${v.message}`);
    expect(msgs).toEqual([
      expect.stringMatching(/^x: ended completed before the crash .* not durable/),
      expect.stringMatching(/^y: checkpoint 4 was acknowledged before the crash .* resumes from checkpoint 1/),
    ]);
  });
});

describe('7 durability: the final read', () => {
  it('reports completed work the coordinator no longer knows, or knows differently', () => {
    const h = new H().connect('w1').submit('x').submit('y').submit('z').run('x', 'w1', 1, 'x1').run('y', 'w1', 1, 'y1').run('z', 'w1', 1, 'z1');
    h.at(100).rec.recordRead({ x: 'completed', y: null, z: 'failed' });
    const msgs = check(h, 'durability').map((v) => `${v.executionId}: ${v.message}`);
    expect(msgs).toEqual([
      expect.stringMatching(/^y: acknowledged at t=0 but unknown to the coordinator at the final read \(t=100\), though it ended completed/),
      expect.stringMatching(/^z: ended completed at t=0 but the final read shows failed/),
    ]);
  });
});

describe('7 durability: the read right after a coordinator restart', () => {
  const prune = (h: H, at: number, completedBefore: number): H => h.at(at).emit('coordinator', { type: 'pruned', completedBefore, count: 1 });
  it('reports acknowledged work the restarted coordinator does not know, unless a prune before the read covered it', () => {
    const h = new H().connect('w1').submit('x').submit('y').submit('z').run('x', 'w1', 1, 'x1').at(10).run('y', 'w1', 1, 'y1');
    prune(h, 20, 5);
    h.at(30).rec.recordRead({ x: null, y: null, z: 'scheduled' }, 'restart');
    prune(h, 40, 50);
    expect(check(h, 'durability').map((v) => `${v.executionId}: ${v.message}`)).toEqual([
      'y: acknowledged at t=0 but unknown to the coordinator right after its restart (read at t=30), though it ended completed at t=10 and no prune before the restart covered that',
    ]);
  });
});

describe('8 auth', () => {
  it('reports a registration on a connection that failed authentication', () => {
    const h = new H().emit('coordinator', { type: 'auth_failed', workerId: 'w1', connectionId: 'c9', reason: 'bad proof' });
    h.emit('coordinator', { type: 'worker_registered', workerId: 'w1', sessionId: 's', resumed: false, connectionId: 'c9' });
    expect(check(h, 'auth')[0]).toMatchObject({ workerId: 'w1', message: expect.stringMatching(/after that connection failed authentication/) });
  });
  it('reports work handed to a worker whose only connection failed authentication', () => {
    const h = new H().submit('x').emit('coordinator', { type: 'auth_failed', workerId: 'w1', connectionId: 'c9', reason: 'bad proof' });
    // Decided after the refusal (one at the same instant may have been decided before it).
    h.at(10).emit('coordinator', { type: 'claimed', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't' });
    expect(check(h, 'auth')[0]?.message).toMatch(/claimed for w1 while its only connection had failed authentication/);
  });
});

describe('formatViolation', () => {
  it('names the promise, the execution and marks the offending record', () => {
    const h = new H().connect('w1').connect('w2').submit('x').claim('x', 'w1', 1, 't1');
    h.at(100).emit('coordinator', { type: 'claimed', executionId: 'x', workerId: 'w2', attempt: 2, leaseToken: 't2' });
    const [v] = check(h, 'no-double-ownership');
    const text = formatViolation(v!);
    expect(text).toMatch(/^promise 3 \(No double ownership\) violated \[execution x, worker w2\]: claimed by w2/);
    expect(text).toMatch(/\n {2}> #\d+ t=100 coordinator info claimed \{"executionId":"x","workerId":"w2"/);
  });
});
