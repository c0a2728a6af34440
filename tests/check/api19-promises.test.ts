/**
 * The rules blind set 19's class "numbers and identities the API reports"
 * added to promise 29 (api-contract), on synthetic histories: the quota per
 * x-squall-client (promises-quota.ts), the numbers of a mid-run gauge read
 * (promises-reads-instant.ts) and the stats' rolling duration window
 * (promises-reads-window.ts). The simulation shows each caught against a
 * broken system (tests/sim/broken-api19.test.ts); these pin the rules' edges.
 */
import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../harness/check/context.js';
import { checkHistory } from '../../harness/check/invariants.js';
import type { CliRequest, CliRun } from '../../harness/check/cli-runs.js';
import type { GaugeRead } from '../../harness/check/promises-metrics-gauges.js';
import type { ApiReads, ListedExecution } from '../../harness/check/promises-reads.js';
import { H, baseContext } from './builder.js';

const messages = (h: H, ctx: CheckContext = baseContext) => checkHistory(h.history(), ['api-contract'], ctx).map((v) => v.message);

/** A submission of one execution sent by `client` (undefined: no x-squall-client), acknowledged or refused 429. */
function sent(h: H, id: string, client: string | undefined, refused = false): H {
  const i = h.rec.recordInvoke({ ref: `ref-${id}`, kind: 'echo', tasks: [{ kind: 'echo' }], ...(client === undefined ? {} : { client }) });
  if (refused) return void h.rec.recordFail(i, { code: 'rate_limited', message: 'quota', status: 429 }), h;
  h.emit('coordinator', { type: 'status', executionId: id, from: null, to: 'scheduled', attempt: 0 });
  h.rec.recordOk(i, { executionIds: [id] });
  return h;
}

describe('29 api-contract: the per-client quota counts each x-squall-client apart (promises-quota.ts)', () => {
  const ctx = { ...baseContext, maxPendingPerClient: 2 };

  it('passes two named clients and the address each at their quota, and a refusal of a client at its own', () => {
    const h = new H().at(10);
    for (const [id, client] of [['a1', 'alice'], ['a2', 'alice'], ['b1', 'bob'], ['b2', 'bob'], ['n1', undefined], ['n2', undefined]] as const) sent(h, id, client);
    sent(h.at(20), 'a3', 'alice', true);
    sent(h, 'n3', undefined, true);
    expect(messages(h, ctx)).toEqual([]);
  });

  it('reports a client refused for another client\'s work, and a client past its own quota', () => {
    const shared = sent(sent(sent(new H().at(10), 'a1', 'alice'), 'a2', 'alice'), 'b1', 'bob', true);
    expect(messages(shared, ctx)).toEqual([expect.stringMatching(/refused 429 rate_limited at t=10 though client "bob" \(x-squall-client\) held at most 0 unfinished or pending executions when it asked \(t=10\): 0 \+ 1 is within its quota of 2 \(maxPendingPerClient\), so the quota counted slots it should have given back \(or counted another client's work against it\)/)]);
    // The same refusal with no header on either is deserved: one client (the address) holding 2.
    expect(messages(sent(sent(sent(new H().at(10), 'a1', undefined), 'a2', undefined), 'b1', undefined, true), ctx)).toEqual([]);
    const past = sent(sent(sent(new H().at(10), 'b1', 'bob'), 'a1', 'alice'), 'b2', 'bob');
    expect(messages(sent(past, 'b3', 'bob'), ctx)).toEqual([expect.stringMatching(/acknowledged at t=10 left client "bob" \(x-squall-client\) with 3 unfinished executions, past its quota of 2/)]);
  });
});

const gauges = (h: H, g: Partial<GaugeRead>): H => {
  h.rec.recordInfo({ gaugeRead: { at: h.now, gauges: {}, workers: {}, byStatus: {}, ...g } });
  return h;
};
const pong = (h: H, workerId: string, sampleMs: number): H =>
  h.emit('coordinator', { type: 'rtt_sampled', side: 'coordinator', workerId, connectionId: `c-${workerId}`, sampleMs, rttvarMs: 0, timeoutMs: 1500, pingId: 1, pingT: h.now - sampleMs } as never);

describe('29 api-contract: the numbers of a mid-run read (promises-reads-instant.ts)', () => {
  const byStatus = { preparing: 2, running: 1, scheduled: 3 };
  const executions = { squall_executions: { 'status=preparing': 2, 'status=running': 1, 'status=scheduled': 3 } };

  it('passes stats and listings that agree with byStatus, and rttMs and the histogram from the samples', () => {
    const h = pong(pong(new H().at(100), 'w1', 240), 'w2', 2.5);
    const rtt = { ...executions, squall_heartbeat_rtt_seconds_count: { '': 2 }, squall_heartbeat_rtt_seconds_sum: { '': 0.2425 } };
    gauges(h.at(200), { byStatus, stats: { running: 1, inFlight: 3, total: 6 }, listed: { preparing: 2, running: 1 }, rtt: [['w1', 240], ['w2', 2.5], ['w3', null]], load: [['w1', 2], ['w2', 1], ['w3', 0]], gauges: rtt });
    expect(messages(h)).toEqual([]);
  });

  it("reports workers' running that do not add up to the leases held, but not after a coordinator restart", () => {
    const read = (h: H): H => gauges(h.at(200), { byStatus, stats: { running: 1, inFlight: 3, total: 6 }, load: [['w1', 1], ['w2', 0]], gauges: executions });
    expect(messages(read(new H()))).toEqual([expect.stringMatching(/GET \/api\/v1\/workers lists 1 execution\(s\) running on its workers \(w1 1, w2 0\), but GET \/api\/v1\/stats counts 3 leases held \(inFlight\) at the same instant/)]);
    expect(messages(read(new H().at(100).fault('start', { id: 'f1', action: 'restart', target: 'coordinator', coordinator: true })))).toEqual([]);
  });

  it('reports running counting the preparing, a listing that disagrees, rttMs in seconds and a histogram in ms', () => {
    const h = pong(new H().at(100), 'w1', 240);
    gauges(h.at(200), { byStatus, stats: { running: 3, inFlight: 3, total: 6 }, listed: { preparing: 2, running: 3 }, rtt: [['w1', 0.24]], gauges: { ...executions, squall_heartbeat_rtt_seconds_count: { '': 1 }, squall_heartbeat_rtt_seconds_sum: { '': 240 } } });
    expect(messages(h)).toEqual([
      expect.stringMatching(/t=200: GET \/api\/v1\/stats says running 3, but its byStatus counts 1 running \(and 2 preparing: claimed, not started\)/),
      expect.stringMatching(/GET \/api\/v1\/executions\?status=running lists 3, but GET \/api\/v1\/stats counts 1 running at the same instant/),
      expect.stringMatching(/lists w1 with rttMs 0.24, but the coordinator's last round trip to it is 240 ms/),
      expect.stringMatching(/squall_heartbeat_rtt_seconds counts 1 sample\(s\) summing 240 s, but the coordinator took 1 pong sample\(s\) in this life summing 0.24 s/),
    ]);
  });
});

describe('29 api-contract: the stats duration window rolls (promises-reads-window.ts)', () => {
  /** Five completions in order, durations 10, 10, 10, 100, 100 as listed; the stats read with `d`. */
  function run(d: { p50: number | null; p95: number | null; samples: number }, window: number): string[] {
    const h = new H().at(1);
    const ms = [10, 10, 10, 100, 100];
    const items: ListedExecution[] = ms.map((m, i) => [`e${i + 1}`, 'completed', 0, 'sleep', [['completed', null]], m, null, 300]);
    for (let i = 1; i <= 5; i++) h.submit(`e${i}`);
    for (let i = 1; i <= 5; i++) h.at(10 * i).run(`e${i}`, 'w1', 1, `T${i}`);
    const stats = { total: 5, retried: 0, byStatus: { completed: 5 }, byKind: { sleep: { completed: 5, failed: 0, cancelled: 0 } }, durationsMs: d };
    const reads: ApiReads = { limit: 7, all: { items, unended: false }, filtered: { error: 503 }, stats };
    h.at(350).rec.recordInfo({ apiReads: reads });
    h.rec.recordRead(Object.fromEntries(ms.map((_m, i) => [`e${i + 1}`, 'completed'])));
    return messages(h, { ...baseContext, durationSamples: window }).filter((m) => /durationsMs/.test(m));
  }

  it('passes the percentiles of the last window completions, and does not judge a window that holds them all', () => {
    expect(run({ p50: 100, p95: 100, samples: 2 }, 2)).toEqual([]);
    expect(run({ p50: 10, p95: 100, samples: 5 }, 8)).toEqual([]);
  });

  it('reports a window frozen at the first completions, and a sample count past the window', () => {
    expect(run({ p50: 10, p95: 10, samples: 2 }, 2)).toEqual([
      expect.stringMatching(/durationsMs.p50 10, but the last 2 of 5 completions \(the window of recent work\) give 100 by nearest rank/),
      expect.stringMatching(/durationsMs.p95 10, but the last 2 of 5 completions/),
    ]);
    expect(run({ p50: 10, p95: 100, samples: 5 }, 2)).toEqual([expect.stringMatching(/durationsMs.samples 5, but 5 executions completed and the window holds the last 2/)]);
  });
});

describe('31 cli: `squall workers` shows the API\'s rttMs in ms (promises-cli-human.ts)', () => {
  const T0 = 1_893_456_000_000;
  const answer = (rttMs: number | null): CliRequest => ({ method: 'GET', path: '/api/v1/workers', at: 100, answeredAt: 101, status: 200, seen: [['w1', 'connected']], times: [['w1', { connectedAt: T0 - 5000, disconnectedAt: null, lastSeenAt: T0 - 2000, rttMs }]] });
  const table = (rtt: string): string => `worker  state      running  rtt  reconnects  connected  last seen  kinds\n------  ---------  -------  ---  ----------  ---------  ---------  -----\nw1      connected      0/2  ${rtt}  0  5s ago  2s ago     sleep\n1 worker(s), 1 connected\n`;
  const run = (rttMs: number | null, rtt: string): string[] => {
    const cli: CliRun = { args: ['workers'], token: 'read', startedAt: 100, endedAt: 200, exitCode: 0, out: table(rtt), requests: [answer(rttMs)], pushes: [], tty: true, printed: [[T0, table(rtt)]] };
    const h = new H().at(200);
    h.rec.recordInfo({ cliRun: cli }, 'cli');
    return checkHistory(h.history(), ['cli'], baseContext).map((v) => v.message);
  };

  it('passes the round trip to 0.1 ms and "-" for none; reports one in seconds', () => {
    expect([...run(240.25, '240.3ms'), ...run(null, '-')]).toEqual([]);
    expect(run(240.25, '0.2ms')).toEqual([expect.stringMatching(/printed w1's round trip as "0.2ms", but the API answered rttMs 240.25 \(milliseconds; "-" for none\)/)]);
  });
});
