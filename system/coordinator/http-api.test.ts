import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../core/clock.js';
import { ErrorCode, InvalidArgumentError, SquallError } from '../core/errors.js';
import type { HttpRequest } from '../core/transport.js';
import { defineTaskKind, type TaskKind } from '../tasks/kind.js';
import { createHttpApi, publicHistory } from './http-api.js';
import { FakeEngine } from './testing.js';

const sleepKind = defineTaskKind({ name: 'sleep', params: z.object({ durationMs: z.number().int().nonnegative() }), run: async () => null });
const echoKind = defineTaskKind({ name: 'echo', params: z.object({ value: z.unknown() }), run: async () => null });
const kinds = new Map<string, TaskKind<unknown>>([
  ['sleep', sleepKind as TaskKind<unknown>],
  ['echo', echoKind as TaskKind<unknown>],
]);

function api(engine = new FakeEngine()) {
  const handler = createHttpApi({
    engine,
    taskKinds: kinds,
    clock: systemClock,
    workers: () => [],
    metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'squall_connections 0\n' }),
  });
  return async (method: string, url: string, body = '') => {
    const u = new URL(url, 'http://x');
    const req: HttpRequest = { method, path: u.pathname, query: u.searchParams, headers: {}, body };
    const res = await handler(req);
    const parsed = (res.headers?.['content-type'] ?? '').includes('json') ? (JSON.parse(res.body) as Record<string, unknown>) : res.body;
    return { status: res.status, body: parsed as Record<string, unknown> & { error?: { code: string; message: string; path: string } } };
  };
}

describe('HTTP API', () => {
  it('submits an execution (201) and reads it back', async () => {
    const call = api();
    const res = await call('POST', '/api/v1/executions', JSON.stringify({ kind: 'sleep', params: { durationMs: 10 } }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ executionId: 'ex_1', status: 'scheduled', kind: 'sleep', attempts: 0, result: null, error: null });
    const got = await call('GET', '/api/v1/executions/ex_1');
    expect(got.status).toBe(200);
    expect(got.body.statusHistory).toEqual([{ status: 'scheduled', at: 0, previous: null, attempt: 0, reason: null }]);
  });

  it('answers 200 with the existing execution when nothing new was created (idempotent repeat)', async () => {
    const engine = new FakeEngine();
    await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 1 }, idempotencyKey: 'k' });
    const res = await api(engine)('POST', '/api/v1/executions', JSON.stringify({ kind: 'sleep', params: { durationMs: 1 }, idempotencyKey: 'k' }));
    expect(res.status).toBe(200);
    expect(res.body.executionId).toBe('ex_1');
  });

  it('answers 200 for a repeat even when other executions were created during the call (no counting before and after)', async () => {
    const engine = new FakeEngine();
    await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 1 }, idempotencyKey: 'k' });
    const submit = engine.submitTask.bind(engine);
    engine.submitTask = async (spec) => {
      engine.add(`ex_other_${engine.records.size}`); // someone else's submission lands meanwhile
      return submit(spec);
    };
    const res = await api(engine)('POST', '/api/v1/executions', JSON.stringify({ kind: 'sleep', params: { durationMs: 1 }, idempotencyKey: 'k' }));
    expect(res.status).toBe(200);
    expect(res.body.executionId).toBe('ex_1');
  });

  it('pausing a running execution answers 202 with the status it has now and what was requested', async () => {
    const engine = new FakeEngine();
    engine.add('ex_run');
    (engine.records.get('ex_run') as { status: string }).status = 'running';
    const res = await api(engine)('POST', '/api/v1/executions/ex_run/pause');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'running', requested: 'pause' });
    (engine.records.get('ex_run') as { status: string }).status = 'paused';
    expect((await api(engine)('POST', '/api/v1/executions/ex_run/pause')).status).toBe(200);
  });

  it.each([
    ['unknown field', '{"kind":"sleep","params":{"durationMs":1},"prority":"high"}', 'invalid_argument', 'prority'],
    ['bad retry field', '{"kind":"sleep","params":{"durationMs":1},"retry":{"maxRetries":-1}}', 'invalid_argument', 'retry.maxRetries'],
  ])('rejects %s by the zod spec schema, naming the path', async (_n, body, code, path) => {
    const res = await api()('POST', '/api/v1/executions', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code, path });
  });

  it('checks control bodies and list queries with their schemas', async () => {
    const engine = new FakeEngine();
    engine.add('ex_1');
    const call = api(engine);
    const bad = await call('POST', '/api/v1/executions/ex_1/cancel', JSON.stringify({ reason: 7 }));
    expect(bad.body.error).toMatchObject({ code: 'invalid_argument', path: 'reason' });
    const typo = await call('GET', '/api/v1/executions?stauts=failed');
    expect(typo.body.error).toMatchObject({ code: 'invalid_argument', path: 'stauts' });
  });

  it.each([
    ['invalid JSON', '{"kind":', 'malformed', ''],
    ['empty body', '', 'malformed', ''],
    ['not an object', '[1,2]', 'invalid_argument', ''],
    ['missing kind', '{"params":{}}', 'invalid_argument', 'kind'],
    ['unknown kind', '{"kind":"teleport"}', 'unknown_task_kind', 'kind'],
    ['bad params', '{"kind":"sleep","params":{"durationMs":"soon"}}', 'invalid_argument', 'params.durationMs'],
  ])('rejects %s with 400 naming the field', async (_n, body, code, path) => {
    const res = await api()('POST', '/api/v1/executions', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code, path });
    expect(res.body.error?.message.length).toBeGreaterThan(5);
  });

  it('names the failing entry of a batch and of a graph', async () => {
    const call = api();
    const batch = await call('POST', '/api/v1/executions/batch', JSON.stringify({ executions: [{ kind: 'echo', params: { value: 1 } }, { kind: 'sleep', params: {} }] }));
    expect(batch.status).toBe(400);
    expect(batch.body.error?.path).toBe('executions.1.params.durationMs');
    const graph = await call('POST', '/api/v1/graphs', JSON.stringify({ tasks: { a: { kind: 'echo', params: { value: 1 } }, b: { kind: 'nope', dependsOn: ['a'] } } }));
    expect(graph.status).toBe(400);
    expect(graph.body.error).toMatchObject({ code: 'unknown_task_kind', path: 'tasks.b.kind' });
    const ok = await call('POST', '/api/v1/executions/batch', JSON.stringify({ executions: [{ kind: 'echo', params: { value: 1 } }] }));
    expect(ok.status).toBe(201);
    expect((ok.body.executions as unknown[]).length).toBe(1);
  });

  it('answers a closed engine (a request during shutdown) 503 illegal_state with Retry-After, not 409: not now, retry', async () => {
    const engine = new FakeEngine();
    engine.submitTask = async () => {
      throw new SquallError(ErrorCode.IllegalState, 'Engine.scheduleTask: the engine is closed');
    };
    const handler = createHttpApi({ engine, taskKinds: kinds, clock: systemClock, workers: () => [], metrics: async () => ({ contentType: 'text/plain', body: '' }) });
    const res = await handler({ method: 'POST', path: '/api/v1/executions', query: new URLSearchParams(), headers: {}, body: JSON.stringify({ kind: 'sleep', params: { durationMs: 1 } }) });
    expect(res.status).toBe(503);
    expect(res.headers?.['retry-after']).toBe('1');
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'illegal_state' } });
  });

  it('maps engine errors to status codes (400 cycle, 404, 409), never 500 for bad input', async () => {
    const engine = new FakeEngine();
    engine.scheduleTaskGraph = async () => {
      throw new SquallError(ErrorCode.Cycle, 'cycle: a -> b -> a', { path: 'tasks' });
    };
    engine.cancelExecution = async (id) => {
      if (id === 'ex_done') throw new SquallError(ErrorCode.Conflict, 'already completed');
      throw new SquallError(ErrorCode.NotFound, `no ${id}`);
    };
    engine.scheduleTask = async () => {
      throw new InvalidArgumentError('priority must be one of low, medium, high, critical', 'priority');
    };
    const call = api(engine);
    const cyc = await call('POST', '/api/v1/graphs', JSON.stringify({ tasks: { a: { kind: 'echo', params: { value: 1 }, dependsOn: ['b'] }, b: { kind: 'echo', params: { value: 1 }, dependsOn: ['a'] } } }));
    expect(cyc.status).toBe(400);
    expect(cyc.body.error?.message).toContain('a -> b -> a');
    expect((await call('POST', '/api/v1/executions/ex_done/cancel')).status).toBe(409);
    expect((await call('POST', '/api/v1/executions/ex_x/cancel')).status).toBe(404);
    const pri = await call('POST', '/api/v1/executions', JSON.stringify({ kind: 'echo', params: { value: 1 }, priority: 'urgent' }));
    expect(pri.status).toBe(400);
    expect(pri.body.error?.path).toBe('priority');
  });

  it('routes: 404 unknown route and execution, 405 wrong method, list query validation, healthz, metrics, stats', async () => {
    const call = api();
    expect((await call('GET', '/api/v1/nope')).status).toBe(404);
    expect((await call('GET', '/api/v1/executions/ex_404')).status).toBe(404);
    expect((await call('DELETE', '/api/v1/executions')).status).toBe(405);
    expect((await call('GET', '/api/v1/graphs')).status).toBe(405);
    // /executions/batch is a resource of its own (POST): GET is 405, not a read of an execution named "batch".
    expect((await call('GET', '/api/v1/executions/batch')).status).toBe(405);
    const lim = await call('GET', '/api/v1/executions?limit=0');
    expect(lim.status).toBe(400);
    expect(lim.body.error?.path).toBe('limit');
    expect((await call('GET', '/api/v1/executions?status=bogus')).body.error?.path).toBe('status');
    const list = await call('GET', '/api/v1/executions?status=scheduled&limit=10');
    expect(list.body).toEqual({ executions: [], nextCursor: null });
    expect(await call('GET', '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    const m = await call('GET', '/metrics');
    expect(m.status).toBe(200);
    expect(String(m.body)).toContain('squall_connections');
    expect((await call('GET', '/api/v1/stats')).body).toMatchObject({ total: 0 });
    expect((await call('GET', '/api/v1/workers')).body).toEqual({ workers: [] });
  });
});

describe('publicHistory', () => {
  const e = (status: string, attempt: number, reason?: string, previous: string | null = null) => ({ status, at: attempt, previous, attempt, ...(reason === undefined ? {} : { reason }) }) as never;
  it('folds a retried attempt\'s interim failed/timeout entry into its retrying entry; a final failure stays', () => {
    const h = publicHistory([
      e('running', 1, undefined, 'preparing'),
      e('failed', 1, 'attempt failed: task_failed', 'running'),
      e('retrying', 1, 'retry 1 of 2 in 10ms', 'failed'),
      e('timeout', 2, 'attempt timed out: timeout', 'running'),
      e('retrying', 2, 'retry 2 of 2 in 10ms', 'timeout'),
      e('failed', 3, 'attempt failed: task_failed', 'running'),
    ]);
    expect(h.map((x) => x.status)).toEqual(['running', 'retrying', 'retrying', 'failed']);
    expect(h[1]).toMatchObject({ previous: 'running', reason: 'attempt failed: task_failed; retry 1 of 2 in 10ms' });
    expect(h[2]).toMatchObject({ previous: 'running', reason: 'attempt timed out: timeout; retry 2 of 2 in 10ms' });
  });

  it('a literal route refuses another method 405 with its own Allow (not the parameterised route behind it)', async () => {
    const handler = createHttpApi({ engine: new FakeEngine(), taskKinds: kinds, clock: systemClock, workers: () => [], metrics: async () => ({ contentType: 'text/plain', body: '' }) });
    for (const method of ['GET', 'DELETE', 'PUT']) {
      const res = await handler({ method, path: '/api/v1/executions/batch', query: new URLSearchParams(), headers: {}, body: '' });
      expect([method, res.status, res.headers?.allow]).toEqual([method, 405, 'POST']);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'method_not_allowed' } });
    }
  });
});
