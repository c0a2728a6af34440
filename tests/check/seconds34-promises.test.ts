/**
 * Every `_seconds` family holds seconds (promise 29, api-contract,
 * harness/check/promises-metrics-seconds.ts) on synthetic histories: the
 * heartbeat-timeout gauge against its floor, ceiling and the connections'
 * traced timeouts, the reconnect histogram recomputed from the
 * coordinator's disconnects and re-registrations. The simulation shows
 * each caught against a broken system (tests/sim/broken-seconds34.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { GaugeRead } from '../../harness/check/promises-metrics-gauges.js';
import { H, baseContext } from './builder.js';

const messages = (h: H, ctx = baseContext) => checkHistory(h.history(), ['api-contract'], ctx).map((v) => v.message);
const read = (h: H, gauges: GaugeRead['gauges']): H => {
  h.rec.recordInfo({ gaugeRead: { at: h.now, gauges, workers: {}, byStatus: {} } });
  return h;
};
const sampled = (h: H, connectionId: string, timeoutMs: number): H =>
  h.emit('coordinator', { type: 'rtt_sampled', side: 'coordinator', workerId: 'w1', connectionId, sampleMs: 50, srttMs: 50, rttvarMs: 20, timeoutMs });
const timeout = (min: number, max: number): GaugeRead['gauges'] => ({ squall_connections: { '': 2 }, squall_heartbeat_timeout_seconds: { 'stat=min': min, 'stat=max': max } });

describe('29 api-contract: squall_heartbeat_timeout_seconds in seconds (promises-metrics-seconds.ts)', () => {
  it('passes the floor and a connection latest traced timeout, in seconds', () => {
    // baseContext: floor 2000 ms, ceiling min(60 s, lease 3000 - heartbeat 500) = 2500 ms.
    const h = sampled(sampled(new H().at(100), 'c1', 2300).at(200), 'c1', 2450);
    expect(messages(read(h.at(300), timeout(2, 2.45)))).toEqual([]);
  });

  it('reports a timeout in ms, and one no connection had (an older sample, not the latest)', () => {
    const h = sampled(sampled(new H().at(100), 'c1', 2300).at(200), 'c1', 2450);
    expect(messages(read(h.at(300), timeout(2000, 2450)))).toEqual([
      expect.stringMatching(/t=300: squall_heartbeat_timeout_seconds\{stat="min"\} is 2000, outside the coordinator's timeout range \[2, 2.5\] s/),
      expect.stringMatching(/t=300: squall_heartbeat_timeout_seconds\{stat="max"\} is 2450, outside/),
    ]);
    const older = sampled(sampled(new H().at(100), 'c1', 2300).at(200), 'c1', 2450);
    expect(messages(read(older.at(400), timeout(2, 2.3)))).toEqual([expect.stringMatching(/t=400: squall_heartbeat_timeout_seconds\{stat="max"\} is 2.3, but no connection of this coordinator life had that timeout/)]);
  });

  it('bounds only, where record times are receive times (live: no traced samples)', () => {
    const live = { ...baseContext, receivedTimes: true };
    expect(messages(read(new H().at(300), timeout(2.1, 2.3)), live)).toEqual([]);
    expect(messages(read(new H().at(300), timeout(2.1, 2300)), live)).toEqual([expect.stringMatching(/\{stat="max"\} is 2300, outside the coordinator's timeout range/)]);
  });
});

describe('29 api-contract: squall_reconnect_duration_seconds recomputed (promises-metrics-seconds.ts)', () => {
  const down = (h: H, conn: string): H => h.emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: conn, code: 1006, reason: '' });
  const reconnects = (sum: number, count: number): GaugeRead['gauges'] => ({ squall_reconnect_duration_seconds_sum: { '': sum }, squall_reconnect_duration_seconds_count: { '': count } });
  /** w1 registers on c1 at 100, c1 drops at 1000, w1 re-registers on c2 at 1250; a replacing c3 at 1400 (no gap), the old c2's close after it. */
  const history = (): H => down(down(new H().at(100).connect('w1', 'c1').at(1000), 'c1').at(1250).connect('w1', 'c2').at(1400).connect('w1', 'c3'), 'c2');

  it('passes one reconnect of 0.25 s: a replaced connection and a stale close are no gap', () => {
    expect(messages(read(history().at(1500), reconnects(0.25, 1)))).toEqual([]);
  });

  it('reports the gap observed in ms (where the run is long enough for the bound to miss it) and a reconnect counted twice', () => {
    expect(messages(read(history().at(400_000), reconnects(250, 1)))).toEqual([
      expect.stringMatching(/t=400000: squall_reconnect_duration_seconds counts 1 observation\(s\) summing 250 s, but the coordinator's events of this life show 1 re-registration\(s\) after a disconnect whose gaps sum 0.25 s/),
    ]);
    expect(messages(read(history().at(1500), reconnects(0.5, 2)))).toEqual([expect.stringMatching(/counts 2 observation\(s\) summing 0.5 s, but .* show 1 re-registration/)]);
  });
});
