/**
 * Blind set 12's engine and store rules on synthetic histories (the
 * simulation shows each caught against a broken system:
 * tests/sim/broken-engine12.test.ts); these pin the rules' edges.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { PromiseName } from '../../harness/check/promises.js';
import type { ApiReads, ListedExecution } from '../../harness/check/promises-reads.js';
import { graphRanks } from '../../harness/check/submission-order.js';
import { H, baseContext } from './builder.js';

const messages = (h: H, promise: PromiseName) => checkHistory(h.history(), [promise], baseContext).map((v) => v.message);

/** A started (or result) for `token` handed to the coordinator's logic, as msg_delivered records it. */
const delivered = (h: H, w: string, id: string, token: string, msgType: 'started' | 'result' = 'started'): H =>
  h.emit('coordinator', { type: 'msg_delivered', workerId: w, sessionId: `s-${w}`, dir: 'to_coordinator', seq: 1, msgType, key: msgType === 'started' ? `started:${id}/${token}` : `result:${id}/${token}/completed` });

describe('2 exactly-once: an attempt goes running on its own holder start (promises-start-fencing.ts)', () => {
  it('passes a start delivered from the holder, or folded into its result', () => {
    const h = new H().submit('a').submit('b').claim('a', 'w1', 1, 'A1');
    delivered(h, 'w1', 'a', 'A1').status('a', 'preparing', 'running', 1);
    h.claim('b', 'w2', 1, 'B1');
    delivered(h, 'w2', 'b', 'B1', 'result').status('b', 'preparing', 'running', 1);
    expect(messages(h, 'exactly-once')).toEqual([]);
  });

  it("reports running on another lease's start, another worker's, or none", () => {
    const h = new H().submit('a').claim('a', 'w1', 1, 'A1').expire('a', 'w1', 1, 'A1').claim('a', 'w2', 2, 'A2');
    delivered(h, 'w1', 'a', 'A1').status('a', 'preparing', 'running', 2);
    h.submit('b').claim('b', 'w1', 1, 'B1');
    delivered(h, 'z', 'b', 'B1').status('b', 'preparing', 'running', 1);
    h.submit('c').claim('c', 'w1', 1, 'C1').status('c', 'preparing', 'running', 1);
    expect(messages(h, 'exactly-once')).toEqual([
      expect.stringMatching(/went running as attempt 2 \(lease A2, held by w2\) before .*the last start delivered was w1's for lease A1;/),
      expect.stringMatching(/went running as attempt 1 \(lease B1, held by w1\) .*was z's for lease B1 \(not its holder\)/),
      expect.stringMatching(/went running as attempt 1 \(lease C1, held by w1\) .*no start was delivered for it/),
    ]);
  });
});

describe('29 api-contract: a listed execution carries its terminal time (promises-reads-ended.ts)', () => {
  function run(items: ListedExecution[]): string[] {
    const h = new H().at(1).submit('a').submit('b').claim('a', 'w1', 1, 'A1').start('a', 'w1', 1, 'A1').at(300).finish('a', 'w1', 1, 'A1', 'failed');
    h.status('b', 'pending', 'failed', 0, 'dependency_failed');
    const reads: ApiReads = { limit: 7, all: { items, unended: false }, filtered: { error: 503 }, stats: { error: 503 } };
    h.at(350).rec.recordInfo({ apiReads: reads });
    h.rec.recordRead({ a: 'failed', b: 'failed' });
    return checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);
  }
  const item = (id: string, status: string, completedAt?: number | null): ListedExecution => [id, status, 0, 'sleep', [], null, null, completedAt];

  it('passes ended executions stamped when they ended, and older reads without the field', () => {
    expect(run([item('a', 'failed', 300), item('b', 'failed', 300)])).toEqual([]);
    expect(run([item('a', 'failed'), item('b', 'failed')])).toEqual([]);
  });

  it('reports an ended execution without completedAt, one stamped at another time, and an unended one with it', () => {
    expect(run([item('a', 'failed', 300), item('b', 'failed', null)])).toEqual([expect.stringMatching(/listed b is failed but carries no completedAt/)]);
    expect(run([item('a', 'failed', 9000), item('b', 'scheduled', 300)])).toEqual([
      expect.stringMatching(/b is listed scheduled, but the final read at the same instant shows failed/),
      expect.stringMatching(/listed a carries completedAt 9000, but it ended failed at t=300/),
      expect.stringMatching(/listed b is scheduled, not ended, but carries completedAt 300/),
    ]);
  });
});

describe('29 api-contract: nothing listed that no submission created (promises-reads-phantom.ts)', () => {
  const pass = (h: H, items: [string, number, number][]): H => {
    h.rec.recordInfo({ listingPass: { limit: 50, startedAt: h.now, endedAt: h.now, ended: false, gone: [], items } });
    return h;
  };

  it('reports an execution listed with no submission open that never committed', () => {
    const h = new H().at(10).submit('a');
    const refused = h.at(20).rec.recordInvoke({ ref: 'x', kind: 'sleep' });
    pass(h.at(21), [['a', 10, 21], ['ghost', 20, 21]]);
    h.at(22).rec.recordFail(refused, { code: 'store_unavailable', message: 'refused', status: 503 });
    pass(h.at(30), [['a', 10, 30], ['ghost', 20, 30]]);
    expect(messages(h, 'api-contract')).toEqual([expect.stringMatching(/ghost \(createdAt 20\) is listed on a page read at t=30, with no submission open, but no submission created it/)]);
  });

  it('excuses a page read while a submission is open or answered indeterminately', () => {
    const h = new H().at(10).submit('a');
    const open = h.at(20).rec.recordInvoke({ ref: 'x', kind: 'sleep' });
    pass(h.at(25), [['ghost', 20, 25]]);
    h.at(26).rec.recordFail(open, { code: 'timeout', message: 'no answer' }, true);
    pass(h.at(40), [['ghost', 20, 40]]);
    expect(messages(h, 'api-contract')).toEqual([]);
  });

  it('reports an execution listed before its submission committed, even while the submission is open', () => {
    const h = new H().at(10);
    const i = h.rec.recordInvoke({ ref: 'x', kind: 'sleep' });
    pass(h.at(12), [['early', 10, 12]]);
    h.at(15).emit('coordinator', { type: 'submitted', executionId: 'early', kind: 'sleep', dependencies: [], maxAttempts: 1, priority: 'medium' });
    h.rec.recordOk(i, { executionIds: ['early'] });
    pass(h.at(20), [['early', 10, 20]]);
    expect(messages(h, 'api-contract')).toEqual([expect.stringMatching(/early \(createdAt 10\) is listed on a page read at t=12, before its submission committed \(its 'submitted' event came at t=15/)]);
  });
});

describe('21 priority: ties in createdAt go in the creating request order (submission-order.ts)', () => {
  it("ranks a graph's nodes in Kahn's order with ties in key order", () => {
    // n0 -> n1, n2, n3 (fanout), n4 independent: roots n0, n4 first, then n1..n3.
    expect([...graphRanks([[], [0], [0], [0], []]).entries()].sort((a, b) => a[1] - b[1]).map(([n]) => n)).toEqual([0, 4, 1, 2, 3]);
    expect(graphRanks([[1], [0]]).size).toBe(0);
  });

  /** One graph request creating a, b, c (no edges) at one instant; w1 then claims them one at a time. */
  function graph(order: string[], restartBetween = false): string[] {
    const h = new H().at(10);
    const i = h.rec.recordInvoke({ ref: 'g', kind: 'graph', graph: 'none', dependsOn: [[], [], []] });
    for (const id of ['a', 'b', 'c']) h.emit('coordinator', { type: 'submitted', executionId: id, kind: 'sleep', dependencies: [], maxAttempts: 1, priority: 'medium' }).status(id, null, 'scheduled', 0);
    h.rec.recordOk(i, { executionIds: ['a', 'b', 'c'] });
    if (restartBetween) h.fault('start', { id: 'r', action: 'restart', target: 'coordinator', workers: [], coordinator: true, params: {} });
    let t = 1000;
    for (const id of order) h.at((t += 1000)).run(id, 'w1', 1, `l-${id}`);
    return messages(h, 'priority');
  }

  it('passes the request order and reports a reversed one, unless a restart re-read them', () => {
    expect(graph(['a', 'b', 'c'])).toEqual([]);
    expect(graph(['c', 'b', 'a'])).toEqual([
      expect.stringMatching(/w1 was given c while a \(same kind and priority\) waited ahead of it \(created by one request at t=10, ahead of it in the request's order/),
      expect.stringMatching(/w1 was given b while a /),
    ]);
    expect(graph(['c', 'b', 'a'], true)).toEqual([]);
  });
});
