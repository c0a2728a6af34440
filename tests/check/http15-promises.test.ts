/**
 * The rules blind set 15's HTTP and /metrics class added to promise 29
 * (api-contract), on synthetic histories: the documented request limits and
 * the answers to controls on finished and unknown executions
 * (promises-api-limits.ts), a request in a graceful stop's window (503 with
 * Retry-After), illegal_state in the status table (promises-api.ts), and an
 * enum gauge decoded by its help text (promises-metrics-enums.ts). The
 * simulation shows each caught against a broken system
 * (tests/sim/broken-http15.test.ts); these pin the rules' edges.
 */
import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../harness/check/context.js';
import { checkHistory } from '../../harness/check/invariants.js';
import type { GaugeRead } from '../../harness/check/promises-metrics-gauges.js';
import { H, baseContext } from './builder.js';

const messages = (h: H, ctx: CheckContext = baseContext) => checkHistory(h.history(), ['api-contract'], ctx).map((v) => v.message);
const limit = (h: H, l: string, bytes: number, status: number, code?: string): H => {
  h.rec.recordInfo({ httpLimit: { limit: l, bytes, status, ...(code === undefined ? {} : { code }) } }, 'http-adversary');
  return h;
};

describe('29 api-contract: the documented request limits (promises-api-limits.ts)', () => {
  it('passes each limit at its maximum not refused for it and one byte over refused with its status and code', () => {
    const h = new H().at(100);
    limit(h, 'headers', 16384, 200);
    limit(h, 'headers', 16385, 431, 'headers_too_large');
    limit(h, 'url', 8192, 200);
    limit(h, 'url', 8193, 414, 'uri_too_long');
    limit(h, 'body', 1048576, 404, 'not_found');
    limit(h, 'body', 1048577, 413, 'too_large');
    limit(h, 'page', 1000, 200);
    limit(h, 'page', 1001, 400, 'invalid_argument');
    expect(messages(h)).toEqual([]);
  });

  it('reports the documented page size refused (blind set 18 #02) and one past it served', () => {
    const h = new H().at(100);
    limit(h, 'page', 1000, 400, 'invalid_argument');
    limit(h, 'page', 1001, 200);
    expect(messages(h)).toEqual([
      expect.stringMatching(/listing page size \(`limit`\) is 1000 executions was answered 400 invalid_argument at t=100: the README allows up to 1000: it must not be refused 400/),
      expect.stringMatching(/listing page size \(`limit`\) is 1001 executions was answered 200 at t=100: the README allows at most 1000: it must be refused 400 invalid_argument/),
    ]);
  });

  it('reports a request over a limit let through, and one at the limit refused for it', () => {
    const h = new H().at(100);
    limit(h, 'headers', 16385, 200);
    limit(h, 'headers', 61440, 431, 'malformed');
    limit(h, 'url', 8192, 414, 'uri_too_long');
    expect(messages(h)).toEqual([
      expect.stringMatching(/header names and values are 16385 bytes was answered 200 at t=100: the README allows at most 16384: it must be refused 431 headers_too_large/),
      expect.stringMatching(/header names and values are 61440 bytes was answered 431 malformed/),
      expect.stringMatching(/request target are 8192 bytes was answered 414 uri_too_long at t=100: the README allows up to 8192: it must not be refused 414/),
    ]);
  });
});

describe('29 api-contract: controls on finished and unknown executions (promises-api-limits.ts)', () => {
  const edge = (h: H, on: string, status: number, code: string): H => {
    h.rec.recordInfo({ httpEdge: { op: 'resume', on, status, code } }, 'http-adversary');
    return h;
  };

  it('passes 409 conflict for a finished execution and 404 not_found for an unknown id', () => {
    expect(messages(edge(edge(new H().at(50), 'finished', 409, 'conflict'), 'unknown', 404, 'not_found'))).toEqual([]);
  });

  it('passes 405 with Allow for a method a route does not serve and 404 for a path no route has; reports a 405 without Allow and a 401', () => {
    const probe = (h: H, on: string, status: number, code: string, allow?: string): H => {
      h.rec.recordInfo({ httpEdge: { op: 'DELETE /api/v1/executions', on, status, code, ...(allow === undefined ? {} : { allow }) } }, 'http-adversary');
      return h;
    };
    expect(messages(probe(probe(new H().at(5), 'wrong-method', 405, 'method_not_allowed', 'POST, GET'), 'unknown-route', 404, 'not_found'))).toEqual([]);
    expect(messages(probe(probe(new H().at(5), 'wrong-method', 405, 'method_not_allowed'), 'unknown-route', 401, 'unauthenticated'))).toEqual([
      expect.stringMatching(/a DELETE \/api\/v1\/executions of a route that does not serve that method was answered 405 method_not_allowed at t=5: a 405 names the methods the route serves \(Allow\)/),
      expect.stringMatching(/of a path no route has was answered 401 unauthenticated at t=5: the contract says 404 not_found/),
    ]);
  });

  it('reports a finished execution answered 400 and an unknown id answered 409', () => {
    expect(messages(edge(edge(new H().at(50), 'finished', 400, 'illegal_state'), 'unknown', 409, 'conflict'))).toEqual([
      expect.stringMatching(/a resume of a finished execution was answered 400 illegal_state at t=50: the contract says 409 conflict/),
      expect.stringMatching(/a resume of an id no execution has was answered 409 conflict at t=50: the contract says 404 not_found/),
    ]);
  });
});

describe('29 api-contract: a request in a graceful stop\'s window, and illegal_state in the status table', () => {
  const probe = (h: H, status: number, code?: string, retryAfter?: string): H => {
    h.rec.recordInfo({ shutdownProbe: { method: 'POST', route: '/api/v1/executions', status, ...(code === undefined ? {} : { code }), ...(retryAfter === undefined ? {} : { retryAfter }) } });
    return h;
  };

  it('passes 503 with Retry-After', () => {
    expect(messages(probe(new H().at(7000), 503, 'illegal_state', '1'))).toEqual([]);
  });

  it('reports a refusal of the request itself, a 503 without Retry-After, and a request acted on', () => {
    const h = probe(probe(probe(new H().at(7000), 400, 'illegal_state', '1'), 503, 'illegal_state'), 201);
    expect(messages(h)).toEqual([
      expect.stringMatching(/sent after the coordinator was told to stop \(t=7000\), was answered 400 illegal_state: a coordinator that is stopping answers 503 with Retry-After/),
      expect.stringMatching(/was answered 503 illegal_state: without Retry-After/),
      expect.stringMatching(/was answered 201: it was acted on by a coordinator that is stopping/),
    ]);
  });

  it('judges a control refused illegal_state by the table: 503, not 409', () => {
    const refused = (status: number): string[] => {
      const h = new H().at(10);
      h.rec.recordInfo({ phase: 'fail', op: 'cancel', executionId: 'x', error: { code: 'illegal_state', httpStatus: status } }, 'client');
      return messages(h);
    };
    expect(refused(503)).toEqual([]);
    expect(refused(409)).toEqual([expect.stringMatching(/a cancel request was refused with HTTP 409 illegal_state: the contract says 503/)]);
  });
});

describe('29 api-contract: an enum gauge decoded by its help text (promises-metrics-enums.ts)', () => {
  const ctx: CheckContext = { ...baseContext, breaker: true, breakerFailureThreshold: 1, breakerResetMs: 1000, breakerHalfOpenMaxCalls: 1 };
  const HELP = 'Circuit breaker state per task kind: 0 closed, 1 half-open, 2 open.';
  /** The sleep kind's breaker opens at t=200 (one failure, threshold 1): open until 1200, half-open after. */
  const opened = (): H => new H().at(100).submit('x').claim('x', 'w1', 1, 'L1').start('x', 'w1', 1, 'L1').at(200).finish('x', 'w1', 1, 'L1', 'failed');
  const read = (h: H, at: number, value: number, stats: string, help = HELP): H => {
    const g: GaugeRead = { at, now: at, gauges: { squall_breaker_state: { 'kind=sleep': value } }, workers: {}, byStatus: {}, breakers: { sleep: stats }, help: { squall_breaker_state: help } };
    h.at(at).rec.recordInfo({ gaugeRead: g });
    return h;
  };

  it('passes open read as 2 and half-open as 1, as the stats and the replay have them', () => {
    expect(messages(read(read(opened(), 500, 2, 'open'), 1500, 1, 'half-open'), ctx)).toEqual([]);
  });

  it('reports open and half-open swapped, against both the stats and the replay', () => {
    expect(messages(read(opened(), 500, 1, 'open'), ctx)).toEqual([
      expect.stringMatching(/t=500: squall_breaker_state\{kind="sleep"\} is 1 \(half-open by its help text\), but GET \/api\/v1\/stats shows the sleep breaker open at the same instant/),
      expect.stringMatching(/is 1 \(half-open by its help text\), but the coordinator's decisions so far leave the sleep breaker open/),
    ]);
  });

  it('reports a value the help text does not document, and a help text that no longer documents the encoding', () => {
    expect(messages(read(opened(), 500, 7, 'open', 'Circuit breaker state: 0 closed, 1 open, 2 half-open.'), ctx)).toEqual([
      expect.stringMatching(/squall_breaker_state's help reads "Circuit breaker state: 0 closed, 1 open, 2 half-open\.", but its documented encoding is/),
      expect.stringMatching(/squall_breaker_state\{kind="sleep"\} is 7: not a value the help text documents/),
    ]);
  });
});

describe('29 api-contract: a body streamed past the limit is answered at it and never held (set 17 #28)', () => {
  const streamed = (answeredAfterBytes: number, heldPeakBytes: number): H => {
    const h = new H().at(100);
    h.rec.recordInfo({ httpLimit: { limit: 'body', bytes: 33554432, status: 413, code: 'too_large', streamed: { chunkBytes: 65536, answeredAfterBytes, heldPeakBytes } } }, 'http-adversary');
    return h;
  };

  it('passes a 413 at the chunk that passed the limit with at most the limit held', () => {
    expect(messages(streamed(1048576 + 65536, 1048576))).toEqual([]);
  });

  it('reports a 413 only at the end of the body, and a body kept past the limit', () => {
    expect(messages(streamed(33554432, 1048576))).toEqual([expect.stringMatching(/^a body streamed in chunks of 65536 bytes to 33554432 bytes \(the limit is 1048576\) at t=100 was answered 413 only once 33554432 bytes were sent: the refusal is due when the body passes the limit/)]);
    expect(messages(streamed(1048576 + 65536, 1048576 + 65536))).toEqual([expect.stringMatching(/the server held 1114112 bytes of it at once: a body past the limit is dropped, never kept/)]);
  });

  it('still requires the 413 itself', () => {
    const h = new H().at(100);
    h.rec.recordInfo({ httpLimit: { limit: 'body', bytes: 33554432, status: 201, streamed: { chunkBytes: 65536, answeredAfterBytes: 33554432, heldPeakBytes: 33554432 } } }, 'http-adversary');
    expect(messages(h)).toEqual([expect.stringMatching(/a request whose body are 33554432 bytes was answered 201 .* it must be refused 413 too_large/)]);
  });
});
