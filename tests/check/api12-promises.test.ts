/**
 * The rules blind set 12's API class added to promise 29 (api-contract), on
 * synthetic histories: refusal headers (promises-api-headers.ts), the token
 * administrator's steps (promises-api-tokens.ts), gauge reads
 * (promises-metrics-gauges.ts), dashboard feeds (promises-dashboard.ts) and
 * refused valid reads (promises-reads.ts, promises-reads-walk.ts). The
 * simulation shows each caught against a broken system
 * (tests/sim/broken-api12.test.ts); these pin the rules' edges.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { TokenStep } from '../../harness/check/promises-api-tokens.js';
import type { GaugeRead } from '../../harness/check/promises-metrics-gauges.js';
import type { DashboardFeed } from '../../harness/check/promises-dashboard.js';
import { H, baseContext } from './builder.js';

const messages = (h: H) => checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

const refusal = (h: H, code: string, status: number, headers: Record<string, string>): H => {
  const i = h.rec.recordInvoke({ ref: `r${h.now}`, kind: 'sleep' });
  h.rec.recordFail(i, { code, message: code, status, headers }, status >= 500);
  return h;
};

describe('29 api-contract: documented headers on refusals', () => {
  it('reports a 429 or 503 store_unavailable without Retry-After, a malformed one, and an error body not typed JSON', () => {
    const h = new H();
    refusal(h.at(1), 'rate_limited', 429, JSON_TYPE);
    refusal(h.at(2), 'store_unavailable', 503, { ...JSON_TYPE, 'retry-after': 'soon' });
    refusal(h.at(3), 'rate_limited', 429, { 'retry-after': '1', 'content-type': 'text/plain' });
    expect(messages(h)).toEqual([
      expect.stringMatching(/a submission refused HTTP 429 rate_limited at t=1 carried no Retry-After/),
      expect.stringMatching(/HTTP 503 store_unavailable at t=2 carried Retry-After "soon": it must be delay-seconds/),
      expect.stringMatching(/HTTP 429 rate_limited at t=3 was answered with Content-Type "text\/plain"/),
    ]);
  });

  it('passes delay-seconds and an HTTP-date, and does not ask Retry-After of other refusals or of records without headers', () => {
    const h = new H();
    refusal(h.at(1), 'rate_limited', 429, { ...JSON_TYPE, 'retry-after': '1' });
    refusal(h.at(2), 'store_unavailable', 503, { ...JSON_TYPE, 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' });
    refusal(h.at(3), 'unavailable', 503, JSON_TYPE);
    refusal(h.at(4), 'invalid_argument', 400, JSON_TYPE);
    const i = h.rec.recordInvoke({ ref: 'old', kind: 'sleep' });
    h.rec.recordFail(i, { code: 'rate_limited', message: 'x', status: 429 });
    expect(messages(h)).toEqual([]);
  });
});

const step = (h: H, s: Partial<TokenStep>): H => {
  h.rec.recordInfo({ tokenStep: { at: h.now, revokes: [], presented: [], listing: [], held: [], ...s } });
  return h;
};
const entry = (id: string, revokedAt: number | null = null) => ({ id, name: id, scope: 'read', createdAt: 1, revokedAt });

describe('29 api-contract: token administration', () => {
  it('passes revokes that keep revokedAt, revoked tokens refused, a listing of the documented fields', () => {
    const h = new H();
    step(h.at(10), { created: 'a', listing: [entry('a')], held: [{ id: 'a', hash: 'f'.repeat(64), secret: 'e'.repeat(64) }] });
    step(h.at(20), { revokes: [{ id: 'a', repeat: false, status: 200, revokedAt: 20 }], presented: [{ id: 'a', status: 401, code: 'token_revoked' }], listing: [entry('a', 20)] });
    step(h.at(30), { revokes: [{ id: 'a', repeat: true, status: 200, revokedAt: 20 }], presented: [{ id: 'a', status: 401, code: 'token_revoked' }], listing: [entry('a', 20)] });
    expect(messages(h)).toEqual([]);
  });

  it('reports a moved revokedAt, a hash or secret listed, an extra field, a revoked token let in, a made token not listed', () => {
    const h = new H();
    step(h.at(10), { created: 'a', listing: [entry('a')] });
    step(h.at(20), { revokes: [{ id: 'a', repeat: false, status: 200, revokedAt: 20 }], listing: [entry('a', 20)] });
    step(h.at(30), {
      revokes: [{ id: 'a', repeat: true, status: 200, revokedAt: 30 }],
      presented: [{ id: 'a', status: 200 }],
      created: 'b',
      listing: [{ ...entry('a', 30), hash: 'ab'.repeat(32) }],
      held: [{ id: 'a', hash: 'ab'.repeat(32), secret: 'cd'.repeat(32) }],
    });
    expect(messages(h)).toEqual([
      expect.stringMatching(/t=30: a repeat revoke of a answered revokedAt 30, but its first revoke \(t=20\) answered 20/),
      expect.stringMatching(/token a, revoked, was answered 200 on GET \/api\/v1\/stats: a revoked token must be refused 401 token_revoked/),
      expect.stringMatching(/GET \/api\/v1\/tokens lists a with field\(s\) hash/),
      expect.stringMatching(/shows secret material in a\.hash: the SHA-256 of token a/),
      expect.stringMatching(/lists a with revokedAt 30, but its first revoke \(t=20\) answered 20/),
      expect.stringMatching(/token b, made by POST \/api\/v1\/tokens, is not listed/),
    ]);
  });
});

const gauges = (h: H, g: Partial<GaugeRead>): H => {
  h.rec.recordInfo({ gaugeRead: { at: h.now, gauges: {}, workers: {}, byStatus: {}, ...g } });
  return h;
};

describe('29 api-contract: /metrics gauges against the API', () => {
  it('passes gauges that agree: no timeout samples without connections, states that emptied read 0 or are absent', () => {
    // One connection at the floor (2 s), one adapted to 2.4 s by its latest sample (promises-metrics-seconds.ts).
    const h = new H().emit('coordinator', { type: 'rtt_sampled', side: 'coordinator', workerId: 'w1', connectionId: 'c1', sampleMs: 100, srttMs: 100, rttvarMs: 50, timeoutMs: 2400 });
    gauges(h.at(1), { gauges: { squall_connections: { '': 1 }, squall_heartbeat_timeout_seconds: { 'stat=min': 2, 'stat=max': 2.4 }, squall_workers: { 'state=connected': 1, 'state=lost': 0 } }, workers: { connected: 1 } });
    gauges(h.at(2), { gauges: { squall_connections: { '': 0 }, squall_heartbeat_timeout_seconds: {}, squall_executions: { 'status=completed': 3 } }, byStatus: { completed: 3, failed: 0 } });
    expect(messages(h)).toEqual([]);
  });

  it('reports timeout samples left without connections, none with connections, a workers gauge off the listing, a negative gauge', () => {
    const h = new H();
    gauges(h.at(1), { gauges: { squall_connections: { '': 0 }, squall_heartbeat_timeout_seconds: { 'stat=min': 2, 'stat=max': 2 } } });
    gauges(h.at(2), { gauges: { squall_connections: { '': 2 }, squall_workers: { 'state=connected': 2 }, squall_outbox_depth: { '': -1 } }, workers: { connected: 1, lost: 1 } });
    expect(messages(h)).toEqual([
      expect.stringMatching(/t=1: squall_heartbeat_timeout_seconds reports .* with squall_connections 0/),
      expect.stringMatching(/t=2: squall_heartbeat_timeout_seconds has no min\/max with 2 live connection/),
      expect.stringMatching(/t=2: squall_workers\{state="connected"\} is 2, but GET \/api\/v1\/workers lists 1/),
      expect.stringMatching(/t=2: squall_workers\{state="lost"\} is 0, but GET \/api\/v1\/workers lists 1/),
      expect.stringMatching(/t=2: squall_outbox_depth\{\} is -1: a gauge that counts is never negative/),
    ]);
  });
});

const feed = (h: H, f: Partial<DashboardFeed> & Pick<DashboardFeed, 'pushes'>): H => {
  h.rec.recordInfo({ dashboardFeed: { openedAt: 0, status: 200, closedAt: h.now, ...f } });
  return h;
};
const events = (h: H, n: number): H => {
  for (let i = 0; i < n; i++) h.emit('coordinator', { type: 'worker_lost', workerId: `w${i}` } as never);
  return h;
};

describe('29 api-contract: the dashboard feed', () => {
  it('passes drops on a full push only, counted per push, within what the coordinator emitted', () => {
    const h = events(new H().at(100), 9).at(1000);
    feed(h, { pushes: [[0, 0, 0], [250, 3, 2], [500, 1, 0]] });
    expect(messages(h)).toEqual([]);
  });

  it('reports a snapshot with events, drops on a push that is not full, and more events accounted for than emitted', () => {
    const h = events(new H().at(100), 4).at(1000);
    feed(h, { pushes: [[0, 1, 0], [250, 3, 2], [500, 1, 2]] });
    expect(messages(h)).toEqual([
      expect.stringMatching(/its first push \(the snapshot\) carried 1 events and dropped 0/),
      expect.stringMatching(/the push at t=500 reports 2 dropped events but carries only 1 \(the fullest push carried 3\)/),
      expect.stringMatching(/its pushes account for 8 events \(carried \+ dropped\), but the coordinator emitted 4 while it was open/),
    ]);
  });
});

describe('29 api-contract: valid reads refused', () => {
  it('reports the end-of-run listing answered 400 and a walk page answered 400, not a 503', () => {
    const h = new H();
    h.rec.recordInfo({ listingPass: { limit: 3, startedAt: 0, endedAt: 0, items: [], ended: false, gone: [], broken: 'a page (?limit=3&status=&taskId=) was answered HTTP 400', refused: 400 } });
    h.rec.recordInfo({ listingPass: { limit: 3, startedAt: 0, endedAt: 0, items: [], ended: false, gone: [], broken: 'a page was answered HTTP 503', refused: 503 } });
    h.rec.recordInfo({ apiReads: { limit: 7, all: { error: 400 }, filtered: { error: 503 }, stats: { error: 503 } } });
    expect(messages(h)).toEqual([
      expect.stringMatching(/listing paged during the run .*: a page \(\?limit=3&status=&taskId=\) was answered HTTP 400: a valid page request must be answered/),
      expect.stringMatching(/GET \/api\/v1\/executions\?status=&taskId= was answered HTTP 400 at the end of the run/),
    ]);
  });
});
