/**
 * The checks of issue 3 over HTTP, against a real coordinator, engine and
 * workers on loopback: graphs in dependency order, retries, timeouts, cancel,
 * pause/resume, listing and stats; plus lease expiry of a dead worker's task.
 */
import { encode } from '../../system/protocol/codec.js';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Fixture, execution, http, waitFor, waitForStatus, type ExecutionView } from './helpers.js';

let fx: Fixture;
afterEach(async () => {
  await fx.cleanup();
});

const at = (v: ExecutionView, status: string): number => v.statusHistory.find((h) => h.status === status)?.at ?? Number.NaN;

describe('HTTP API with the real engine', () => {
  it('runs a three-task graph in dependency order; a cycle gets 400', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    fx.worker(c.url, 'w1');
    fx.worker(c.url, 'w2');
    const res = await http(c, 'POST', '/api/v1/graphs', {
      tasks: {
        a: { kind: 'sleep', params: { durationMs: 30 } },
        b: { kind: 'echo', params: { value: 'b' }, dependsOn: ['a'] },
        c: { kind: 'echo', params: { value: 'c' }, dependsOn: ['a', 'b'] },
      },
    });
    expect(res.status).toBe(201);
    const ids = Object.fromEntries((res.body.executions as { taskId: string; executionId: string }[]).map((e) => [e.taskId, e.executionId]));
    expect(Object.keys(ids).sort()).toEqual(['a', 'b', 'c']);
    const [a, b, cc] = [await waitForStatus(c, ids.a as string, 'completed'), await waitForStatus(c, ids.b as string, 'completed'), await waitForStatus(c, ids.c as string, 'completed')];
    expect(at(b, 'running')).toBeGreaterThanOrEqual(at(a, 'completed'));
    expect(at(cc, 'running')).toBeGreaterThanOrEqual(at(b, 'completed'));
    const cyc = await http(c, 'POST', '/api/v1/graphs', { tasks: { x: { kind: 'echo', params: { value: 1 }, dependsOn: ['y'] }, y: { kind: 'echo', params: { value: 1 }, dependsOn: ['x'] } } });
    expect(cyc.status).toBe(400);
  });

  it('retries a failing task within its policy; a dependent of an exhausted one fails with dependency_failed', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    fx.worker(c.url, 'w1');
    const ok = await http(c, 'POST', '/api/v1/executions', { kind: 'fail', params: { times: 2 }, retry: { strategy: 'fixed', maxRetries: 3, delayMs: 50 } });
    const done = await waitForStatus(c, ok.body.executionId as string, 'completed');
    expect(done.attempts).toBe(3);
    const g = await http(c, 'POST', '/api/v1/graphs', {
      tasks: {
        flaky: { kind: 'fail', params: { times: 2 }, retry: { strategy: 'fixed', maxRetries: 1, delayMs: 50 } },
        after: { kind: 'echo', params: { value: 1 }, dependsOn: ['flaky'] },
      },
    });
    const ids = Object.fromEntries((g.body.executions as { taskId: string; executionId: string }[]).map((e) => [e.taskId, e.executionId]));
    const failed = await waitForStatus(c, ids.flaky as string, 'failed');
    expect(failed.attempts).toBe(2);
    const dep = await waitForStatus(c, ids.after as string, 'failed');
    expect(dep.statusHistory.at(-1)?.reason).toBe('dependency_failed');
  });

  it('times out a long sleep well before it would finish, and the worker is free again', async () => {
    fx = new Fixture();
    const c = await fx.coordinator({ engine: { timeoutGraceMs: 100 } });
    fx.worker(c.url, 'w1', { concurrency: 1 });
    const started = Date.now();
    const res = await http(c, 'POST', '/api/v1/executions', { kind: 'sleep', params: { durationMs: 5000 }, timeoutMs: 300, retry: { strategy: 'none' } });
    await waitForStatus(c, res.body.executionId as string, 'timeout', 4000);
    expect(Date.now() - started).toBeLessThan(4000);
    const next = await http(c, 'POST', '/api/v1/executions', { kind: 'echo', params: { value: 'free' } });
    await waitForStatus(c, next.body.executionId as string, 'completed');
  });

  it('cancels a running sleep; the worker is free again', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    fx.worker(c.url, 'w1', { concurrency: 1 });
    const res = await http(c, 'POST', '/api/v1/executions', { kind: 'sleep', params: { durationMs: 10_000 } });
    const id = res.body.executionId as string;
    await waitForStatus(c, id, 'running');
    const cancel = await http(c, 'POST', `/api/v1/executions/${id}/cancel`);
    expect(cancel.status).toBe(200);
    await waitForStatus(c, id, 'cancelled');
    await waitFor(() => c.workers()[0]?.running === 0, 'worker free');
    const next = await http(c, 'POST', '/api/v1/executions', { kind: 'echo', params: { value: 'next' } });
    await waitForStatus(c, next.body.executionId as string, 'completed');
    expect((await http(c, 'POST', `/api/v1/executions/${id}/cancel`)).status).toBe(409);
  });

  it('pauses a running sleep at a checkpoint and resumes it to completion', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    fx.worker(c.url, 'w1');
    const res = await http(c, 'POST', '/api/v1/executions', { kind: 'sleep', params: { durationMs: 600, checkpointEveryMs: 50 } });
    const id = res.body.executionId as string;
    await waitForStatus(c, id, 'running');
    await new Promise((r) => setTimeout(r, 150));
    const paused = await http(c, 'POST', `/api/v1/executions/${id}/pause`);
    expect(paused.status).toBe(202); // accepted: the worker checkpoints and stops; the body says what is true now
    expect(paused.body).toMatchObject({ status: 'running', requested: 'pause' });
    await waitForStatus(c, id, 'paused');
    expect((await http(c, 'POST', `/api/v1/executions/${id}/resume`)).status).toBe(200);
    const done = await waitForStatus(c, id, 'completed');
    expect(done.statusHistory.filter((h) => h.status === 'completed')).toHaveLength(1);
  });

  it('lists with filters and a cursor, and reports stats', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    for (let i = 0; i < 5; i++) await http(c, 'POST', '/api/v1/executions', { kind: 'echo', params: { value: i }, taskId: `t${i % 2}` });
    const page1 = await http(c, 'GET', '/api/v1/executions?limit=2');
    expect((page1.body.executions as unknown[]).length).toBe(2);
    expect(typeof page1.body.nextCursor).toBe('string');
    const page2 = await http(c, 'GET', `/api/v1/executions?limit=10&cursor=${encodeURIComponent(page1.body.nextCursor as string)}`);
    expect((page2.body.executions as unknown[]).length).toBe(3);
    const t0 = await http(c, 'GET', '/api/v1/executions?taskId=t0&status=scheduled');
    expect((t0.body.executions as unknown[]).length).toBe(3);
    const stats = await http(c, 'GET', '/api/v1/stats');
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ total: 5 });
  });

  it('re-queues the task of a worker that went silent (lease expiry) and another worker completes it', async () => {
    fx = new Fixture();
    const c = await fx.coordinator({ heartbeatMs: 50, heartbeatTimeoutMs: 400, leaseMs: 600 });
    // A raw "worker" that registers, answers pings until it holds one assignment, then goes silent (half-open).
    const res = await http(c, 'POST', '/api/v1/executions', { kind: 'echo', params: { value: 'rescued' } });
    const id = res.body.executionId as string;
    const ws = new WebSocket(`${c.url}/ws`);
    fx.onCleanup(() => ws.terminate());
    ws.on('error', () => {});
    const assigned: string[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { type: string; executionId?: string; id?: number; t?: number };
      if (m.type === 'welcome') ws.send(encode({ v: 2, type: 'register', protocolVersion: 2, workerId: 'ghost', clientNonce: 'c'.repeat(32), capabilities: { kinds: ['echo'], concurrency: 1 } }));
      if (m.type === 'ping' && assigned.length === 0) ws.send(encode({ v: 2, type: 'pong', id: m.id ?? 0, t: m.t ?? 0 }));
      if (m.type === 'assign' && m.executionId !== undefined) assigned.push(m.executionId);
    });
    await waitFor(() => assigned.includes(id), 'ghost got the task');
    fx.worker(c.url, 'real', { heartbeatMs: 50 });
    const done = await waitForStatus(c, id, 'completed');
    expect(done.result).toBe('rescued');
    expect(done.attempts).toBe(2);
    await waitFor(() => c.workers().find((w) => w.id === 'ghost')?.state !== 'connected', 'ghost dropped');
    const metrics = await fetch(`${c.httpUrl}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/squall_lease_expiries_total 1\b/);
    expect(metrics).toMatch(/squall_heartbeat_timeouts_total [1-9]/);
    for (const family of ['squall_connections', 'squall_reconnects_total', 'squall_reconnect_duration_seconds', 'squall_heartbeat_rtt_seconds', 'squall_outbox_depth', 'squall_executions', 'squall_breaker_state', 'squall_message_bytes_total']) {
      expect(metrics).toContain(`# TYPE ${family}`);
    }
    expect((await execution(c, id)).statusHistory.filter((h) => h.status === 'completed')).toHaveLength(1);
  });
});
