/**
 * Promise 29 (harness/check/promises-api.ts) on synthetic histories: the HTTP
 * scope adversary's requests judged against the README's route table
 * (harness/check/api-scopes.ts), and the per-client quota
 * (harness/check/promises-quota.ts). Plus the table itself: parsed from the
 * README, and the system's scope policy agreeing with it on every route (a
 * unit-level guard; the simulation judges the policy through the adversary).
 * And the listing and stats reads judged against the final read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiRoutes, HTTP_ADVERSARY, parseApiRoutes } from '../../harness/check/api-scopes.js';
import { checkHistory } from '../../harness/check/invariants.js';
import type { ApiReads, ListedExecution } from '../../harness/check/promises-reads.js';
import { requiredScope } from '../../system/coordinator/index.js';
import { H, baseContext } from './builder.js';

const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

const probe = (h: H, method: string, route: string, held: string, status: number, code?: string): H => {
  h.rec.recordInfo({ httpProbe: { method, route, held, status, ...(code === undefined ? {} : { code }) } }, HTTP_ADVERSARY);
  return h;
};

describe('29 api-contract: the README route table', () => {
  it('reads each route and its scope from the README', () => {
    const routes = apiRoutes();
    const scope = (m: string, p: string): string | null | undefined => routes.find((r) => r.method === m && r.path === p)?.scope;
    expect(scope('GET', '/api/v1/tokens')).toBe('admin');
    expect(scope('POST', '/api/v1/tokens/{id}/revoke')).toBe('admin');
    expect(scope('GET', '/api/v1/executions')).toBe('read');
    expect(scope('POST', '/api/v1/executions/{id}/pause')).toBe('submit');
    expect(scope('POST', '/api/v1/executions/batch')).toBe('submit');
    expect(scope('GET', '/healthz')).toBeNull();
    expect(routes.length).toBeGreaterThanOrEqual(15);
  });

  it('refuses a README whose scope line changed, rather than judging by an old rule', () => {
    expect(() => parseApiRoutes(README.replace('`read` (GET)', '`read` (GET, HEAD)'))).toThrow(/the token scope line no longer reads/);
  });

  it('agrees with the system scope policy on every documented route', () => {
    for (const r of apiRoutes()) expect([r.method, r.path, requiredScope(r.method, r.path.replaceAll('{id}', 'x'), 'token')]).toEqual([r.method, r.path, r.scope]);
  });
});

describe('29 api-contract: the HTTP scope adversary', () => {
  it('reports a route that let a lower scope through, or answered no token with the wrong code', () => {
    const h = probe(new H().at(10), 'GET', '/api/v1/tokens', 'read', 200);
    probe(h, 'POST', '/api/v1/executions', 'none', 403, 'insufficient_scope');
    probe(h, 'GET', '/api/v1/workers', 'read', 403, 'insufficient_scope');
    probe(h, 'GET', '/api/v1/stats', 'garbage', 200);
    expect(checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message)).toEqual([
      'GET /api/v1/tokens with a read token was answered 200: the README gives the route scope admin, so it must be refused 403 insufficient_scope',
      'POST /api/v1/executions with no token was answered 403 insufficient_scope: the README gives the route scope submit, so it must be refused 401 unauthenticated',
      'GET /api/v1/workers with a read token was answered 403 insufficient_scope: the README gives the route scope read, which that token has',
      'GET /api/v1/stats with a malformed token was answered 200: the README gives the route scope read, so it must be refused 401 invalid_token',
    ]);
  });

  it('passes the answers the contract gives', () => {
    const h = probe(new H().at(10), 'GET', '/api/v1/tokens', 'submit', 403, 'insufficient_scope');
    probe(h, 'GET', '/api/v1/tokens', 'forged', 401, 'invalid_token');
    probe(h, 'GET', '/api/v1/stats', 'garbage', 401, 'invalid_token');
    probe(h, 'POST', '/api/v1/executions/{id}/cancel', 'submit', 404, 'not_found');
    probe(h, 'POST', '/api/v1/executions', 'none', 401, 'unauthenticated');
    probe(h, 'GET', '/not/documented', 'read', 200);
    expect(checkHistory(h.history(), ['api-contract'], baseContext)).toEqual([]);
  });
});

/** An acknowledged submission of several executions at once (a batch). */
function batch(h: H, ids: string[]): H {
  const i = h.rec.recordInvoke({ ref: `batch-${ids.join('-')}`, kind: 'echo' });
  for (const id of ids) h.emit('coordinator', { type: 'status', executionId: id, from: null, to: 'scheduled', attempt: 0 });
  h.rec.recordOk(i, { executionIds: ids });
  return h;
}

describe('29 api-contract: 201 only for the submission that created the execution', () => {
  const answered = (h: H, ref: string, id: string, status: number): H => {
    const i = h.rec.recordInvoke({ ref, kind: 'echo', tasks: [{ kind: 'echo' }] });
    h.rec.recordOk(i, { executionIds: [id], status });
    return h;
  };
  it('reports an idempotent repeat answered 201; a repeat answered 200 (even before its original) passes', () => {
    const h = answered(answered(answered(new H().at(10), 'a', 'x', 201), 'b', 'x', 200).at(20), 'c', 'x', 201);
    expect(checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message)).toEqual([
      'a submission answered 201 Created at t=20 with x, which an earlier answer (t=10) already created: an idempotent repeat is answered 200',
    ]);
    expect(checkHistory(answered(answered(new H().at(10), 'b', 'y', 200), 'a', 'y', 201).history(), ['api-contract'], baseContext)).toEqual([]);
  });
});

describe('29 api-contract: a control answer\'s success status fits the state it shows', () => {
  const answered = (h: H, op: string, status: string, httpStatus: number): H => {
    h.rec.recordInfo({ op, executionId: 'x', phase: 'ok', status, httpStatus }, 'client');
    return h;
  };
  const judged = (h: H): string[] => checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);
  it('reports a pause answered 200 while the attempt still has to stop, and a done pause answered 202 (blind set 10 #17)', () => {
    const h = answered(answered(new H().at(10), 'pause', 'preparing', 200).at(20), 'pause', 'paused', 202);
    expect(judged(h)).toEqual([
      'a pause request for x was answered 200 with status "preparing" at t=10: a pause still waiting for the worker to stop the attempt is answered 202 (accepted), not 200 (done)',
      'a pause request for x was answered 202 with status "paused" at t=20: a pause that is done is answered 200',
    ]);
  });
  it('passes 202 for a pause pending on a preparing or running attempt, 200 once paused, and 200 for cancel and resume', () => {
    const h = answered(answered(answered(new H().at(10), 'pause', 'preparing', 202), 'pause', 'running', 202), 'pause', 'paused', 200);
    expect(judged(answered(answered(h, 'resume', 'scheduled', 200), 'cancel', 'cancelled', 200))).toEqual([]);
  });
});

describe('29 api-contract: the per-client quota', () => {
  const ctx = { ...baseContext, maxPendingPerClient: 3 };

  it('reports an acknowledgement that took the client past its quota, counting each execution of a batch', () => {
    const h = batch(new H().at(10).submit('a').submit('b'), ['c', 'd']);
    expect(checkHistory(h.history(), ['api-contract'], ctx).map((v) => v.message)).toEqual([
      'a submission of 2 executions (a batch or graph counts each) acknowledged at t=10 left the client with 4 unfinished executions, past its quota of 3 (maxPendingPerClient): it must have been refused 429 rate_limited',
    ]);
    expect(checkHistory(h.history(), ['api-contract'], baseContext)).toEqual([]);
  });

  it('counts an execution only until its terminal status (a failure that retries is still unfinished)', () => {
    const done = new H().at(10).submit('a').submit('b').at(20).status('a', 'running', 'completed', 1).at(30);
    expect(checkHistory(batch(done, ['c', 'd']).history(), ['api-contract'], ctx)).toEqual([]);
    const retried = new H().at(10).submit('a').submit('b').at(20).status('a', 'running', 'failed', 1).status('a', 'failed', 'retrying', 1).at(30);
    expect(checkHistory(batch(retried, ['c', 'd']).history(), ['api-contract'], ctx)).toHaveLength(1);
  });

  /** A submission of `tasks` executions answered `answer` (rate_limited, store_unavailable) at `at`. */
  const refused = (h: H, ref: string, tasks: number, code: string, at: number): H => {
    const i = h.rec.recordInvoke({ ref, kind: 'echo', tasks: Array.from({ length: tasks }, () => ({ kind: 'echo' })) });
    h.at(at);
    h.rec.recordFail(i, { code, message: code, status: code === 'rate_limited' ? 429 : 503 });
    return h;
  };

  it('reports a refusal the quota did not owe, not counting a submission that failed before it', () => {
    const h = new H().at(10).submit('a');
    refused(h, 'outage', 2, 'store_unavailable', 20);
    refused(h.at(30), 'late', 2, 'rate_limited', 31);
    expect(checkHistory(h.history(), ['api-contract'], ctx).map((v) => v.message)).toEqual([
      'a submission of 2 execution(s) was refused 429 rate_limited at t=31 though the client held at most 1 unfinished or pending executions when it asked (t=30): 1 + 2 is within its quota of 3 (maxPendingPerClient), so the quota counted slots it should have given back',
    ]);
  });

  it('lets the quota refuse what it may have held: acknowledged unfinished work and submissions still open', () => {
    const full = new H().at(10).submit('a').submit('b');
    expect(checkHistory(refused(full, 'over', 2, 'rate_limited', 11).history(), ['api-contract'], ctx)).toEqual([]);
    const open = new H().at(10).submit('a');
    const pending = open.rec.recordInvoke({ ref: 'pending', kind: 'echo', tasks: [{ kind: 'echo' }] });
    refused(open.at(12), 'over', 2, 'rate_limited', 13);
    open.rec.recordFail(pending, { code: 'store_unavailable', message: 'disk full', status: 503 });
    expect(checkHistory(open.history(), ['api-contract'], ctx)).toEqual([]);
  });

  it('judges no acknowledgement after a coordinator crash (the quota lives in memory), but still judges refusals', () => {
    const h = new H().at(10).submit('a').submit('b').fault('start', { id: 'f1', action: 'kill', target: 'coordinator', coordinator: true });
    expect(checkHistory(batch(h.at(20), ['c', 'd']).history(), ['api-contract'], ctx)).toEqual([]);
    // A restarted quota counts a subset of what the client may hold: a refusal within that is a leak in any life.
    const after = new H().at(10).submit('a').at(15).status('a', 'running', 'completed', 1).fault('start', { id: 'f1', action: 'kill', target: 'coordinator', coordinator: true });
    expect(checkHistory(refused(after.at(20), 'late', 3, 'rate_limited', 21).history(), ['api-contract'], ctx).map((v) => v.message)).toEqual([
      expect.stringMatching(/at most 0 unfinished .* 0 \+ 3 is within its quota of 3 \(maxPendingPerClient\), so the quota counted/),
    ]);
  });

  it("judges the engine's maxPending too: acknowledgements past it over the whole run, refusals within it up to the first crash", () => {
    const engine = { ...baseContext, maxPending: 2 };
    const crash = (h: H): H => h.fault('start', { id: 'f1', action: 'kill', target: 'coordinator', coordinator: true });
    const past = batch(crash(new H().at(10).submit('a')).at(20), ['b', 'c']);
    expect(checkHistory(past.history(), ['api-contract'], engine).map((v) => v.message)).toEqual([
      expect.stringMatching(/left the client with 3 unfinished executions, past the engine's limit of 2 unfinished executions \(maxPending\)/),
    ]);
    const within = refused(new H().at(10).submit('a').at(15).status('a', 'running', 'timeout', 1).at(20), 'fits', 2, 'rate_limited', 21);
    expect(checkHistory(within.history(), ['api-contract'], engine).map((v) => v.message)).toEqual([
      expect.stringMatching(/0 \+ 2 is within the engine's limit of 2 unfinished executions \(maxPending\), so the engine counted/),
    ]);
    const afterCrash = refused(crash(new H().at(10).submit('a').at(15).status('a', 'running', 'timeout', 1)).at(20), 'fits', 2, 'rate_limited', 21);
    expect(checkHistory(afterCrash.history(), ['api-contract'], engine)).toEqual([]);
  });
});

describe('29 api-contract: the paged listing and the stats (promises-reads.ts)', () => {
  type Item = ListedExecution;
  const stats = (total: number, completed: number, retried: number, kindCompleted = completed): ApiReads['stats'] => ({
    total,
    retried,
    byStatus: { completed, failed: 0 },
    byKind: { sleep: { completed: kindCompleted, failed: 0, cancelled: 0 } },
  });
  /** Three executions run to completion (e2 after a retry), then the client's reads and the final read. */
  function run(all: Item[], filtered: Item[], s: ApiReads['stats'], read: Record<string, string | null> = { e1: 'completed', e2: 'completed', e3: 'completed' }, pruned = false): string[] {
    const h = new H().at(1).submit('e1').submit('e2').submit('e3');
    for (const id of ['e1', 'e2', 'e3']) h.claim(id, 'w1', 1, `ls-${id}`).start(id, 'w1', 1, `ls-${id}`);
    h.at(301);
    for (const id of ['e1', 'e2', 'e3']) h.finish(id, 'w1', 1, `ls-${id}`);
    if (pruned) h.emit('coordinator', { type: 'pruned', completedBefore: 1, count: 0 });
    const reads: ApiReads = { limit: 7, all: { items: all, unended: false }, filtered: { status: 'completed', items: filtered, unended: false }, stats: s };
    h.at(350).rec.recordInfo({ apiReads: reads });
    h.rec.recordRead(read);
    return checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);
  }
  const good: Item[] = [['e1', 'completed', 0, 'sleep'], ['e2', 'completed', 1, 'sleep'], ['e3', 'completed', 0, 'sleep']];

  it('passes a listing that holds every execution once and stats that count it', () => {
    expect(run(good, good, stats(3, 3, 1))).toEqual([]);
  });

  it('reports an execution a page boundary skipped, one listed twice and one nobody created (and judges no stats then)', () => {
    const all: Item[] = [['e1', 'completed', 0, 'sleep'], ['e1', 'completed', 0, 'sleep'], ['e3', 'completed', 0, 'sleep'], ['x9', 'completed', 0, 'sleep']];
    expect(run(all, all, stats(3, 3, 1))).toEqual([
      expect.stringMatching(/paged listing \(GET \/api\/v1\/executions, 7 per page\): e1 appears 2 times/),
      expect.stringMatching(/acknowledged e2 \(completed at the final read\) is missing/),
      expect.stringMatching(/x9 is listed, but no submission created it/),
      expect.stringMatching(/status=completed \(7 per page\): e1 appears 2 times/),
    ]);
  });

  it('reports a filtered listing that misses one, and a listed status the final read contradicts', () => {
    expect(run(good, good.slice(1), stats(3, 3, 1))).toEqual([expect.stringMatching(/status=completed .*: e1, completed in the unfiltered listing, is missing/)]);
    const failed: Item[] = [['e1', 'failed', 0, 'sleep'], ...good.slice(1)];
    expect(run(failed, good.slice(1), stats(3, 2, 1))).toEqual([expect.stringMatching(/e1 is listed failed, but the final read at the same instant shows completed/)]);
  });

  it('reports stats that disagree with the listing; retried and byKind are not judged once a prune ran', () => {
    expect(run(good, good, stats(4, 4, 2))).toEqual([
      expect.stringMatching(/GET \/api\/v1\/stats says total 4, but the listing read at the same instant holds 3 executions/),
      expect.stringMatching(/counts 4 completed, but the listing read at the same instant has 3/),
      expect.stringMatching(/says retried 2, but 1 listed executions entered retrying/),
      expect.stringMatching(/counts 4 completed sleep executions \(byKind\), but the listing has 3/),
    ]);
    expect(run(good, good, stats(3, 3, 1, 5))).toEqual([expect.stringMatching(/counts 5 completed sleep executions \(byKind\), but the listing has 3 and none was pruned/)]);
    expect(run(good, good, stats(3, 3, 2, 5), undefined, true)).toEqual([]);
  });

  it('does not miss a pruned execution, but reports one listed that the final read does not find', () => {
    const two = good.slice(0, 2);
    expect(run(two, two, stats(2, 2, 1), { e1: 'completed', e2: 'completed', e3: null })).toEqual([]);
    expect(run(good, good, stats(3, 3, 1), { e1: 'completed', e2: 'completed', e3: null })).toEqual([expect.stringMatching(/e3 is listed, but the final read finds no such execution/)]);
  });

  it('reports a statusHistory that is not one chain, a successRate its counts contradict, and percentiles the listing contradicts', () => {
    const chain: [string, string | null][] = [['scheduled', null], ['running', 'scheduled'], ['completed', 'running']];
    const timed = (ms: number[], rate: number | null, p50: number | null, p95: number | null, history = chain): [Item[], ApiReads['stats']] => [
      good.map(([id, st, r, k], i): Item => [id, st, r, k, history, ms[i] ?? null]),
      { ...stats(3, 3, 1), byKind: { sleep: { completed: 3, failed: 0, cancelled: 0, successRate: rate } }, durationsMs: { p50, p95, samples: ms.length } },
    ];
    const [ok, okStats] = timed([30, 10, 200], 1, 30, 200);
    expect(run(ok, good, okStats)).toEqual([]);
    // Each final attempt ran from its claim at t=1 to its completion at t=301: a listed 400 ms spans more than it.
    const [long, longStats] = timed([400, 10, 200], 1, 200, 400);
    expect(run(long, good, longStats)).toEqual([expect.stringMatching(/lists e1 as completed after 400 ms .* claimed at 1 and completed at 301, 300 ms: startedAt is not the final attempt's start/)]);
    const [bad, badStats] = timed([30, 10, 200], 0.75, 200, 30, [['scheduled', null], ['running', 'scheduled'], ['completed', 'failed']]);
    expect(run(bad, good, badStats)).toEqual([
      expect.stringMatching(/listed e1's statusHistory is not one chain: entry 3 \(completed\) says previous failed, but the entry before it is running/),
      expect.stringMatching(/listed e2's statusHistory is not one chain/),
      expect.stringMatching(/listed e3's statusHistory is not one chain/),
      expect.stringMatching(/gives sleep successRate 0.75, but its own counts \(3 completed, 0 failed\) make 1/),
      expect.stringMatching(/gives durationsMs.p50 200, but the 3 listed completions \(completedAt - startedAt\) give 30/),
      expect.stringMatching(/gives durationsMs.p95 30, but the 3 listed completions .* give 200/),
    ]);
  });

  it('reports a statusHistory entry that repeats the status before it (a repeated pause written again: blind set 20 #15)', () => {
    const chain: [string, string | null][] = [['scheduled', null], ['running', 'scheduled'], ['completed', 'running']];
    const paused: [string, string | null][] = [['scheduled', null], ['paused', 'scheduled'], ['scheduled', 'paused'], ['running', 'scheduled'], ['completed', 'running']];
    const repeated: [string, string | null][] = [['scheduled', null], ['paused', 'scheduled'], ['paused', 'paused'], ['scheduled', 'paused'], ['running', 'scheduled'], ['completed', 'running']];
    const listed = (e1: [string, string | null][]): Item[] => good.map(([id, st, r, k]): Item => [id, st, r, k, id === 'e1' ? e1 : chain]);
    expect(run(listed(paused), good, stats(3, 3, 1))).toEqual([]);
    expect(run(listed(repeated), good, stats(3, 3, 1))).toEqual([expect.stringMatching(/listed e1's statusHistory is not one chain: entry 3 \(paused\) repeats the status before it: a request that changes nothing/)]);
  });
});
