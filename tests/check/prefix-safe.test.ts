// The mid-run checker (harness/check/prefix-safe.ts) over a growing synthetic history:
// a double claim is reported before the history ends, once, and no liveness-type
// promise (or end-of-run rule) is ever reported mid-run.
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { PREFIX_SAFE, ProgressiveChecker, prefixSafeOf } from '../../harness/check/prefix-safe.js';
import { H, baseContext } from './builder.js';

const ctx = { ...baseContext, workerIds: ['w1', 'w2'] };

describe('ProgressiveChecker', () => {
  it('reports a double ownership while the history grows, once, with its time', () => {
    const h = new H().connect('w1').connect('w2').submit('x').submit('y').claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
    const checker = new ProgressiveChecker('all', ctx);
    expect(checker.check(h.history())).toEqual([]);
    h.at(100).emit('coordinator', { type: 'claimed', executionId: 'x', workerId: 'w2', attempt: 2, leaseToken: 't2' });
    const found = checker.check(h.history());
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ promise: 3, name: 'no-double-ownership', time: 100, executionId: 'x', workerId: 'w2' });
    expect(found[0]?.message).toMatch(/while w1's lease t1 .* was still valid/);
    // Later records do not report it again.
    h.at(200).run('y', 'w1', 1, 'ty');
    expect(checker.check(h.history())).toEqual([]);
  });

  it('never reports a liveness-type promise mid-run, though the full checker does on the same prefix', () => {
    // x is claimed and its worker vanishes; a dependency of b fails and b has not ended yet.
    const h = new H().connect('w1').connect('w2').submit('x').submit('a').submit('b', { deps: ['a'] });
    h.claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
    h.at(50).claim('a', 'w2', 1, 'ta').start('a', 'w2', 1, 'ta').finish('a', 'w2', 1, 'ta', 'failed');
    h.at(60).phase('faults');
    h.at(5000).phase('heal');
    h.at(30_000).phase('end');
    const prefix = h.history();
    const full = checkHistory(prefix, 'all', ctx);
    const unsafe = full.filter((v) => PREFIX_SAFE[v.promise.name] === undefined || /must end failed/.test(v.message));
    expect(unsafe.map((v) => v.promise.name)).toEqual(expect.arrayContaining(['no-lost-work', 'order']));
    const early = new ProgressiveChecker('all', ctx).check(prefix);
    expect(early.filter((v) => PREFIX_SAFE[v.name] === undefined || /must end failed/.test(v.message))).toEqual([]);
  });

  it('runs only the prefix-safe promises the scenario selected', () => {
    expect(prefixSafeOf({ promises: 'all', skip: ['order'] })).toEqual(['exactly-once', 'no-double-ownership', 'checkpoints', 'auth']);
    expect(prefixSafeOf(['no-lost-work', 'liveness'])).toEqual([]);
    expect(new ProgressiveChecker(['no-lost-work'], ctx).check(new H().connect('w1').submit('x').history())).toEqual([]);
  });
});
