/**
 * The rules blind set 13's API class added to promise 29 (api-contract), on
 * synthetic histories (harness/check/promises-api-echoes.ts, and the unknown
 * revoke of promises-api-tokens.ts). The simulation shows each caught
 * against a broken system (tests/sim/broken-api13.test.ts); these pin the
 * rules' edges.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { ApiReads, ListedExecution } from '../../harness/check/promises-reads.js';
import type { UiGraphRead } from '../../harness/check/promises-api-echoes.js';
import { H, baseContext } from './builder.js';

const messages = (h: H) => checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);
const DAY = 86_400_000;

type Intent = { priority: string; timeoutMs?: number; retry?: { delayMs: number } };
const refusedDated = (h: H, startAfterMs: number, message: string, intent: Intent = { priority: 'medium' }): void => {
  // The driver records the retry policy in each intent (workload.ts intentOf); SubmitInvoke's type names only the fields promises-engine.ts reads.
  const i = h.rec.recordInvoke({ ref: `dated-${startAfterMs}`, kind: 'echo', startAfterMs, intent: [intent as { priority: string }] });
  h.rec.recordFail(i, { code: 'invalid_argument', message, status: 400 }, false);
};

describe('29 api-contract: documented boundaries are accepted', () => {
  it('reports a scheduledAt, timeoutMs or retry delay within its limit refused over that field', () => {
    const h = new H();
    refusedDated(h.at(1), 200 * DAY, 'scheduledAt is 200 days ahead; at most 366 days ahead is accepted');
    refusedDated(h.at(2), 1, 'timeoutMs: must be at most 86400000', { priority: 'medium', timeoutMs: 30 * DAY });
    refusedDated(h.at(3), 1, 'retry.delayMs: too long', { priority: 'medium', retry: { delayMs: 30 * DAY } });
    expect(messages(h)).toEqual([
      expect.stringMatching(/submission dated-17280000000 \(scheduledAt within the documented limit.*was refused 400 invalid_argument at t=1/),
      expect.stringMatching(/submission dated-1 \(timeoutMs within the documented limit.*at t=2/),
      expect.stringMatching(/submission dated-1 \(delayMs within the documented limit.*at t=3/),
    ]);
  });

  it('passes refusals past the limits, and refusals over fields it does not judge', () => {
    const h = new H();
    refusedDated(h.at(1), 367 * DAY, 'scheduledAt is 367 days ahead; at most 366 days ahead is accepted');
    refusedDated(h.at(2), 1, 'timeoutMs: must be at most 2592000000', { priority: 'medium', timeoutMs: 31 * DAY });
    refusedDated(h.at(3), 1, 'params.value: too deep');
    expect(messages(h)).toEqual([]);
  });
});

const listed = (id: string, error: object | null): ListedExecution => [id, 'cancelled', 0, 'sleep', [['cancelled', 'running']], null, error === null ? null : JSON.stringify(error), 5];
const reads = (items: ListedExecution[]): ApiReads => ({ limit: 7, all: { items, unended: false }, filtered: { error: 503 }, stats: { error: 503 } });
const cancel = (h: H, id: string, status: string): void => {
  h.rec.recordInfo({ op: 'cancel', executionId: id, phase: 'ok', status, httpStatus: 200, reason: 'because' }, 'client');
};

describe('29 api-contract: a cancel records the reason the client gave', () => {
  it('reports a client-cancelled execution read with another message or no error, not one whose cancel found it ended', () => {
    const h = new H();
    h.submit('a').submit('b').submit('c').submit('d');
    cancel(h.at(1), 'a', 'cancelled');
    cancel(h, 'b', 'cancelled');
    cancel(h, 'c', 'cancelled');
    cancel(h, 'd', 'completed');
    h.at(2).rec.recordInfo({ apiReads: reads([listed('a', { code: 'cancelled', message: 'cancelled by request' }), listed('b', null), listed('c', { code: 'cancelled', message: 'because' }), listed('d', null)]) });
    expect(messages(h).filter((m) => m.includes('a cancel records'))).toEqual([
      expect.stringMatching(/^a, cancelled by the client at t=1 with reason "because", reads at the end with error \{"code":"cancelled","message":"cancelled by request"\}/),
      expect.stringMatching(/^b, cancelled by the client at t=1 with reason "because", reads at the end with error none/),
    ]);
  });
});

const graphSubmit = (h: H, ids: string[], dependsOn: number[][], after: string[] = []): void => {
  const i = h.rec.recordInvoke({ ref: `g-${ids[0]}`, kind: 'graph', graph: 'chain', dependsOn, ...(after.length === 0 ? {} : { after }) });
  h.rec.recordOk(i, { executionIds: ids, status: 201 });
};
const graphRead = (h: H, g: UiGraphRead[]): void => void h.rec.recordInfo({ uiGraphs: g });

describe('29 api-contract: /ui/graph edges are the submitted dependencies', () => {
  it('passes edges as [dependency, dependent], a workload `after` dependency, and the first acknowledgement of a repeated id', () => {
    const h = new H();
    graphSubmit(h.at(1), ['x0', 'x1', 'x2'], [[], [0], [1]]);
    graphSubmit(h, ['y0', 'y1'], [[], [0]], ['x2']);
    graphSubmit(h, ['x0', 'z1'], [[], [0]]);
    graphRead(h.at(2), [{ id: 'y1', status: 200, nodes: ['y1', 'y0', 'x2', 'x1', 'x0', 'z1'], edges: [['x0', 'x1'], ['x1', 'x2'], ['x2', 'y0'], ['y0', 'y1'], ['x0', 'z1']] }]);
    expect(messages(h)).toEqual([]);
  });

  it('reports a reversed edge and a submitted edge between shown nodes that is missing', () => {
    const h = new H();
    graphSubmit(h.at(1), ['x0', 'x1', 'x2'], [[], [0], [1]]);
    graphRead(h.at(2), [{ id: 'x2', status: 200, nodes: ['x0', 'x1', 'x2'], edges: [['x1', 'x0'], ['x1', 'x2']] }]);
    expect(messages(h)).toEqual([
      expect.stringMatching(/GET \/ui\/graph\/x2: edge \[x1, x0\] is not a submitted dependency \(edges are \[dependency, dependent\]; x0 depends on nothing\)/),
      expect.stringMatching(/GET \/ui\/graph\/x2: the submitted edge \[x0, x1\] \(x1 depends on x0\) is missing/),
    ]);
  });
});

describe('29 api-contract: a connected worker was last seen recently', () => {
  it('reports a lastSeenAt older than two heartbeat timeouts, in the future, or null; passes a recent one', () => {
    const h = new H();
    const now = 1_000_000;
    const t = baseContext.heartbeatTimeoutMs;
    h.at(1).rec.recordInfo({ gaugeRead: { at: 1, gauges: {}, workers: { connected: 4 }, byStatus: {}, now, seen: [['w1', now - 2 * t], ['w2', now - 2 * t - 1], ['w3', now + 1], ['w4', null]] } });
    expect(messages(h).filter((m) => m.startsWith('GET /api/v1/workers'))).toEqual([
      expect.stringMatching(/lists w2 connected with lastSeenAt 995999, 4001 ms before the read/),
      expect.stringMatching(/lists w3 connected with lastSeenAt 1000001, 1 ms after the read/),
      expect.stringMatching(/lists w4 connected with lastSeenAt null \(coordinator clock 1000000\)/),
    ]);
  });
});

describe('29 api-contract: a revoke of an unknown token id', () => {
  it('reports a 200, passes a 404 not_found and a 503', () => {
    const h = new H();
    const step = (status: number, code?: string) => h.rec.recordInfo({ tokenStep: { at: h.now, revokes: [], presented: [], listing: [], held: [], unknownRevoke: { id: 'tok_0', status, ...(code === undefined ? {} : { code }) } } });
    step(200);
    step(404, 'not_found');
    step(503, 'unavailable');
    expect(messages(h)).toEqual([expect.stringMatching(/POST \/api\/v1\/tokens\/tok_0\/revoke, an id no token has, was answered 200/)]);
  });
});
