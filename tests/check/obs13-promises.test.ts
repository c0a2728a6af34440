/**
 * The rules blind set 13's metrics/dashboard/timestamp class added to
 * promise 29 (api-contract), on synthetic histories: the connections gauge
 * and the reconnect histogram's unit (promises-metrics-gauges.ts), a
 * dashboard push's newest event (promises-dashboard.ts), a completed
 * execution's startedAt (promises-reads-ended.ts). The simulation shows
 * each caught against a broken system (tests/sim/broken-obs13.test.ts);
 * these pin the rules' edges.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { DashboardFeed } from '../../harness/check/promises-dashboard.js';
import type { GaugeRead } from '../../harness/check/promises-metrics-gauges.js';
import type { ApiReads, ListedExecution } from '../../harness/check/promises-reads.js';
import { H, baseContext } from './builder.js';

const messages = (h: H) => checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);

const gauges = (h: H, g: Partial<GaugeRead>): H => {
  h.rec.recordInfo({ gaugeRead: { at: h.now, gauges: {}, workers: {}, byStatus: {}, ...g } });
  return h;
};
const timeout = { 'stat=min': 2, 'stat=max': 2 };
/** The reconnect histogram's bound is what a live run (receive times) judges; the simulation's recompute is in seconds34-promises.test.ts. */
const liveMessages = (h: H) => checkHistory(h.history(), ['api-contract'], { ...baseContext, receivedTimes: true }).map((v) => v.message);

describe('29 api-contract: the connections gauge and the reconnect histogram (promises-metrics-gauges.ts)', () => {
  it('passes a gauge within the open connections, reconnects in seconds, and reads without the network count', () => {
    const h = new H();
    gauges(h.at(2000), { gauges: { squall_connections: { '': 2 }, squall_heartbeat_timeout_seconds: timeout, squall_reconnect_duration_seconds_sum: { '': 1.5 }, squall_reconnect_duration_seconds_count: { '': 3 } }, live: 3 });
    gauges(h.at(3000), { gauges: { squall_connections: { '': 9 }, squall_heartbeat_timeout_seconds: timeout } });
    expect(liveMessages(h)).toEqual([]);
  });

  it('reports a gauge above the open connections and reconnects longer than the run', () => {
    const h = new H();
    gauges(h.at(2000), { gauges: { squall_connections: { '': 5 }, squall_heartbeat_timeout_seconds: timeout }, live: 3 });
    gauges(h.at(4000), { gauges: { squall_reconnect_duration_seconds_sum: { '': 300 }, squall_reconnect_duration_seconds_count: { '': 1 } }, live: 0 });
    expect(liveMessages(h)).toEqual([
      expect.stringMatching(/t=2000: squall_connections is 5, but only 3 connection\(s\) are open on the coordinator's host/),
      expect.stringMatching(/t=4000: squall_reconnect_duration_seconds sums 300 s over 1 reconnect\(s\), but the run has lasted 4 s/),
    ]);
  });
});

const feed = (h: H, pushes: DashboardFeed['pushes']): H => {
  h.rec.recordInfo({ dashboardFeed: { openedAt: 0, status: 200, closedAt: h.now, pushes } });
  return h;
};

describe('29 api-contract: a dashboard push ends with the newest event (promises-dashboard.ts)', () => {
  function run(newest: [string, number, string]): string[] {
    const h = new H().at(100);
    const opened = h.rec.length;
    for (let i = 0; i < 5; i++) h.emit('coordinator', { type: 'worker_lost', workerId: `w${i}` } as never);
    const pushed = h.rec.length;
    h.at(200).emit('coordinator', { type: 'worker_lost', workerId: 'late' } as never);
    return messages(feed(h.at(300), [[0, 0, 0, opened], [250, 3, 2, pushed, newest]]));
  }

  it('passes a push whose last event is the last emitted before it (not one emitted after), and older notes without it', () => {
    expect(run(['worker_lost', 100, 'w4'])).toEqual([]);
    const h = new H().at(100).emit('coordinator', { type: 'worker_lost', workerId: 'w0' } as never);
    expect(messages(feed(h.at(300), [[0, 0, 0], [250, 1, 0]]))).toEqual([]);
  });

  it('reports a full push that kept the oldest events', () => {
    expect(run(['worker_lost', 100, 'w2'])).toEqual([expect.stringMatching(/the push at t=250 ends with worker_lost w2 \(at 100\), but the newest event the coordinator emitted before it was worker_lost w4 \(at 100\)/)]);
  });
});

describe('29 api-contract: a listed completion carries its start (promises-reads-ended.ts)', () => {
  function run(items: ListedExecution[]): string[] {
    const h = new H().at(1).submit('a').claim('a', 'w1', 1, 'A1').start('a', 'w1', 1, 'A1').at(300).finish('a', 'w1', 1, 'A1');
    const reads: ApiReads = { limit: 7, all: { items, unended: false }, filtered: { error: 503 }, stats: { error: 503 } };
    h.at(350).rec.recordInfo({ apiReads: reads });
    h.rec.recordRead({ a: 'completed' });
    return checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);
  }
  const item = (ms: number | null | undefined): ListedExecution => ['a', 'completed', 0, 'sleep', [['completed', null]], ms, null, 300];

  it('passes a completion with its duration, a 0 ms one, and one a coordinator clock stepped back made negative', () => {
    expect(run([item(299)])).toEqual([]);
    expect(run([item(0)])).toEqual([]);
    expect(run([item(-5)])).toEqual([]);
  });

  it('reports a completion without startedAt', () => {
    expect(run([item(null)])).toEqual([expect.stringMatching(/listed a is completed \(completedAt 300\) but carries no startedAt/)]);
  });
});
