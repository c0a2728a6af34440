/**
 * End to end over real loopback sockets: coordinator + worker + store, the
 * link cut by a TCP relay, the coordinator restarted on the same data dir.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Fixture, execution, http, waitFor, waitForStatus } from './helpers.js';

let fx: Fixture;
afterEach(async () => {
  await fx.cleanup();
});

const completedEntries = (v: { statusHistory: { status: string }[] }): number => v.statusHistory.filter((h) => h.status === 'completed').length;

describe('coordinator and worker over loopback', () => {
  it('runs a sleep task to completion', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    fx.worker(c.url, 'w1');
    await waitFor(() => c.workers().some((w) => w.id === 'w1' && w.state === 'connected'), 'worker connected');
    const res = await http(c, 'POST', '/api/v1/executions', { kind: 'sleep', params: { durationMs: 50 } });
    expect(res.status).toBe(201);
    const done = await waitForStatus(c, res.body.executionId as string, 'completed');
    expect(done.attempts).toBe(1);
    expect(done.statusHistory.map((h) => h.status)).toEqual(['scheduled', 'preparing', 'running', 'completed']);
    const metrics = await fetch(`${c.httpUrl}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/squall_executions\{status="completed"\} 1/);
    expect(metrics).toMatch(/squall_messages_total\{type="result",direction="in"\} 1/);
    expect(metrics).toMatch(/squall_message_bytes_total\{type="assign",direction="out"\} [1-9]/);
  });

  it('reconnects after a connection reset; reconnects go up once; the task completes with one completed entry', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    const relay = await fx.relay(c.port);
    // equal-jitter: the first retry waits at least 10 ms, so the coordinator has seen the reset first.
    const w = fx.worker(relay.url, 'w1', { backoff: { strategy: 'equal-jitter', initialMs: 20, maxMs: 200 } });
    await waitFor(() => c.workers()[0]?.state === 'connected', 'worker connected');
    const res = await http(c, 'POST', '/api/v1/executions', { kind: 'sleep', params: { durationMs: 800, checkpointEveryMs: 100 } });
    const id = res.body.executionId as string;
    await waitForStatus(c, id, 'running');
    relay.cut();
    await waitFor(() => w.stats().reconnects === 1 && w.stats().state === 'ready', 'worker reconnected');
    await waitFor(() => c.workers()[0]?.state === 'connected' && c.workers()[0]?.reconnects === 1, 'coordinator sees the reconnect');
    const done = await waitForStatus(c, id, 'completed');
    expect(completedEntries(done)).toBe(1);
    expect(done.attempts).toBe(1);
    expect(fx.coordinatorEvents.filter((e) => e.type === 'result_recorded' && e.executionId === id)).toHaveLength(1);
    const workers = (await http(c, 'GET', '/api/v1/workers')).body.workers as { id: string; state: string; reconnects: number }[];
    expect(workers).toEqual([expect.objectContaining({ id: 'w1', state: 'connected', reconnects: 1 })]);
    const metrics = await fetch(`${c.httpUrl}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/squall_reconnects_total 1\b/);
    expect(metrics).toMatch(/squall_reconnect_duration_seconds_count 1\b/);
    expect(metrics).toMatch(/squall_connections 1\b/);
  });

  it('completes a task exactly once when the link drops repeatedly mid-task', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    const relay = await fx.relay(c.port);
    const w = fx.worker(relay.url, 'w1');
    await waitFor(() => c.workers()[0]?.state === 'connected', 'worker connected');
    const res = await http(c, 'POST', '/api/v1/executions', { kind: 'sleep', params: { durationMs: 1000, checkpointEveryMs: 50 } });
    const id = res.body.executionId as string;
    await waitForStatus(c, id, 'running');
    for (let i = 1; i <= 3; i++) {
      relay.cut();
      await waitFor(() => w.stats().reconnects === i && w.stats().state === 'ready', `reconnect ${i}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const done = await waitForStatus(c, id, 'completed');
    expect(completedEntries(done)).toBe(1);
    expect(fx.coordinatorEvents.filter((e) => e.type === 'result_recorded' && e.executionId === id)).toHaveLength(1);
    expect(fx.workerEvents.filter((e) => e.type === 'task_finished' && e.executionId === id)).toHaveLength(done.attempts);
  });

  it('reconnects after a coordinator restart on the same data dir and finishes the work', async () => {
    fx = new Fixture();
    const dir = fx.dataDir();
    const store1 = fx.openStore(dir);
    const c1 = await fx.coordinator({}, store1);
    const port = c1.port;
    const w = fx.worker(c1.url, 'w1');
    await waitFor(() => c1.workers()[0]?.state === 'connected', 'worker connected');
    const running = (await http(c1, 'POST', '/api/v1/executions', { kind: 'sleep', params: { durationMs: 600, checkpointEveryMs: 50 } })).body.executionId as string;
    const queued = (await http(c1, 'POST', '/api/v1/executions', { kind: 'echo', params: { value: 'after restart' }, scheduledAt: Date.now() + 700 })).body
      .executionId as string;
    await waitForStatus(c1, running, 'running');
    await c1.close();
    await store1.close();

    const c2 = await fx.coordinator({ port }, fx.openStore(dir));
    await waitFor(() => c2.workers()[0]?.state === 'connected', 'worker re-registered with the restarted coordinator');
    await waitFor(() => w.stats().reconnects >= 1, 'worker counted its reconnect');
    const a = await waitForStatus(c2, running, 'completed');
    const b = await waitForStatus(c2, queued, 'completed');
    expect(completedEntries(a)).toBe(1);
    expect(b.result).toEqual('after restart');
    expect((await execution(c2, running)).attempts).toBeLessThanOrEqual(2);
  });
});
