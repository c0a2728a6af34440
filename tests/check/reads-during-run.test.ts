/**
 * Set 11's read class on synthetic histories: a listing paged during the run
 * (harness/check/promises-reads-walk.ts) and /metrics scraped twice at one
 * instant (promises-metrics.ts), both promise 29; a worker declared lost
 * (promises-lost.ts, promise 10). The simulation shows each caught against a
 * broken system (tests/sim/broken-retention.test.ts, broken-api.test.ts,
 * broken-out-of-session.test.ts); these pin the rules' edges.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { ListingPass } from '../../harness/check/promises-reads-walk.js';
import { H, baseContext } from './builder.js';

const pass = (h: H, p: Partial<ListingPass> & Pick<ListingPass, 'items'>): H => {
  h.rec.recordInfo({ listingPass: { limit: 2, startedAt: h.now, endedAt: h.now, ended: true, gone: [], ...p } });
  return h;
};

const messages = (h: H) => checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);

describe('29 api-contract: a listing paged during the run', () => {
  it('reports an execution skipped between two pages, one listed twice and one out of order', () => {
    const h = new H().submit('a').submit('b').submit('c').at(100);
    pass(h, { items: [['a', 5], ['c', 5]] });
    pass(h, { items: [['a', 5], ['a', 5], ['b', 5], ['c', 5]] });
    pass(h, { items: [['b', 5], ['a', 5], ['c', 5]] });
    expect(messages(h)).toEqual([
      expect.stringMatching(/: b, acknowledged at t=0 and still known at the last page, is missing \(skipped between two pages\)/),
      expect.stringMatching(/: a is listed twice/),
      expect.stringMatching(/: a \(createdAt 5\) is listed after b \(createdAt 5\): not in \(createdAt, id\) order/),
    ]);
  });

  it('excuses what was pruned, acknowledged after the pass began, or a pass that never ended', () => {
    const h = new H().submit('a').submit('b').at(100);
    pass(h, { items: [['a', 5]], gone: ['b'] });
    pass(h, { items: [['a', 5]], ended: false });
    pass(h, { items: [['a', 5]], broken: 'the coordinator restarted or went down' });
    h.at(200).submit('c');
    pass(h, { items: [['a', 5], ['b', 5]], startedAt: 150 });
    expect(messages(h)).toEqual([]);
  });
});

describe('29 api-contract: /metrics scraped during the run', () => {
  const scrape = (h: H, incarnation: number, first: Record<string, number>, second = first): H => {
    h.rec.recordInfo({ metricsScrape: { incarnation, first, second } });
    return h;
  };

  it('reports a scrape that counts, and a counter that goes down in one coordinator life', () => {
    const h = new H();
    scrape(h.at(10), 1, { 'in:result': 4 }, { 'in:result': 8 });
    scrape(h.at(20), 1, { 'in:result': 6 });
    expect(messages(h)).toEqual([
      expect.stringMatching(/squall_messages_total\{in:result\} read 4, then 8 at the same instant: a scrape must not count anything/),
      expect.stringMatching(/squall_messages_total\{in:result\} went down from 8 \(t=10\) to 6 with no coordinator restart/),
    ]);
  });

  it('passes counters that grow, and ones a restart started again', () => {
    const h = new H();
    scrape(h.at(10), 1, { 'in:result': 4 });
    scrape(h.at(20), 1, { 'in:result': 9, 'out:assign': 2 });
    scrape(h.at(30), 2, { 'in:result': 1 });
    expect(messages(h)).toEqual([]);
  });
});

describe('10 liveness: a worker declared lost', () => {
  const disconnect = (h: H, conn: string): H => h.emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: conn, code: 1006, reason: 'gone' });
  const lost = (h: H): H => h.emit('coordinator', { type: 'worker_lost', workerId: 'w1' });
  const judged = (h: H) => checkHistory(h.history(), ['liveness'], baseContext).map((v) => v.message).filter((m) => m.includes('declared lost'));

  it('reports a worker lost sooner than leaseMs after its latest disconnect', () => {
    const h = new H().connect('w1', 'c1').at(1000);
    disconnect(h, 'c1').at(2000).connect('w1', 'c2').at(6000);
    disconnect(h, 'c2').at(6500);
    lost(h);
    expect(judged(h)).toEqual([expect.stringMatching(/w1 was declared lost 500 ms after its latest disconnect \(t=6000\): a worker is lost only once gone for more than leaseMs \(3000 ms\)/)]);
  });

  it('passes a worker lost past leaseMs, and ignores the close of a connection already replaced', () => {
    const h = new H().connect('w1', 'c1').at(1000).connect('w1', 'c2');
    disconnect(h, 'c1').at(2000);
    disconnect(h, 'c2').at(5001);
    lost(h);
    expect(judged(h)).toEqual([]);
  });
});
