/**
 * The coordinator's edge over real sockets: identity, authentication, bad
 * frames and bad HTTP bodies, each while a real worker keeps working.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Coordinator } from '../../system/coordinator/index.js';
import { Fixture, http, waitFor, waitForStatus } from './helpers.js';

let fx: Fixture;
afterEach(async () => {
  await fx.cleanup();
});

/** Opens a raw socket, waits for welcome, sends one frame, returns the close code and the error message. */
async function poke(c: Coordinator, frame: string | ((nonce: string) => string)): Promise<{ code: number; error: Record<string, unknown> | undefined }> {
  const ws = new WebSocket(`${c.url}/ws`);
  fx.onCleanup(() => ws.terminate());
  const msgs: Record<string, unknown>[] = [];
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('error', () => {});
  const welcome = new Promise<Record<string, unknown>>((resolve) =>
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as Record<string, unknown>;
      msgs.push(m);
      if (m.type === 'welcome') resolve(m);
    }),
  );
  const w = await welcome;
  ws.send(typeof frame === 'string' ? frame : frame(w.nonce as string));
  const code = await closed;
  return { code, error: msgs.find((m) => m.type === 'error') };
}

async function stillWorks(c: Coordinator, value: string): Promise<void> {
  const res = await http(c, 'POST', '/api/v1/executions', { kind: 'echo', params: { value } });
  expect(res.status).toBe(201);
  const done = await waitForStatus(c, res.body.executionId as string, 'completed');
  expect(done.result).toEqual(value);
}

describe('coordinator edge over loopback', () => {
  it('a second worker with the same id replaces the first (4409); they are never merged', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    const first = fx.worker(c.url, 'same');
    await waitFor(() => first.stats().state === 'ready', 'first registered');
    const second = fx.worker(c.url, 'same');
    await waitFor(() => first.stats().fatalError !== null, 'first replaced');
    expect(first.stats().fatalError?.code).toBe(4409);
    await waitFor(() => second.stats().state === 'ready', 'second registered');
    await new Promise((r) => setTimeout(r, 150));
    expect(c.workers()).toEqual([expect.objectContaining({ id: 'same', state: 'connected' })]);
    expect(fx.coordinatorEvents.filter((e) => e.type === 'worker_replaced')).toHaveLength(1);
    await stillWorks(c, 'after replacement');
    expect(second.stats().state).toBe('ready');
  });

  it('rejects a wrong secret with 4401 while another worker keeps working', async () => {
    fx = new Fixture();
    const c = await fx.coordinator({ secret: 'correct horse' });
    const good = fx.worker(c.url, 'good', { secret: 'correct horse' });
    await waitFor(() => good.stats().state === 'ready', 'good worker registered');
    const bad = fx.worker(c.url, 'bad', { secret: 'battery staple' });
    await waitFor(() => fx.coordinatorEvents.filter((e) => e.type === 'auth_failed' && e.workerId === 'bad').length >= 2, 'bad worker rejected, twice');
    // Rejected on every attempt, and still retrying: 4401 is not fatal (a corrupted frame fails auth too).
    expect(bad.stats().fatalError).toBeNull();
    expect(bad.stats().state).not.toBe('ready');
    expect(c.workers().map((w) => w.id)).toEqual(['good']);
    await stillWorks(c, 'with a bad neighbour');
  });

  it('runs work with per-message signatures and compression on', async () => {
    fx = new Fixture();
    const c = await fx.coordinator({ secret: 'sig', signMessages: true, compression: { thresholdBytes: 64 } });
    const w = fx.worker(c.url, 'signed', { secret: 'sig', perMessageDeflate: { thresholdBytes: 64 } });
    await waitFor(() => w.stats().state === 'ready', 'signed worker registered');
    await stillWorks(c, 'x'.repeat(5000));
    expect(w.stats().fatalError).toBeNull();
  });

  it('closes garbage (4400), oversized (4413), wrong version (4426), unknown type (4404) frames while a worker keeps working', async () => {
    fx = new Fixture();
    const c = await fx.coordinator({ maxFrameBytes: 64 * 1024 });
    const good = fx.worker(c.url, 'good', { maxFrameBytes: 64 * 1024 });
    await waitFor(() => good.stats().state === 'ready', 'worker registered');
    const cases: [string, string, number, string][] = [
      ['garbage', '\u0000\u0001 not json {', 4400, 'malformed'],
      ['oversized', JSON.stringify({ v: 2, type: 'register', pad: 'x'.repeat(70 * 1024) }), 4413, 'too_large'],
      ['wrong version', JSON.stringify({ v: 1, type: 'register' }), 4426, 'unsupported_version'],
      ['unknown type', JSON.stringify({ v: 2, type: 'teleport' }), 4404, 'unknown_type'],
    ];
    for (const [name, frame, code, errCode] of cases) {
      const got = await poke(c, frame);
      expect({ name, code: got.code, error: got.error?.code }).toEqual({ name, code, error: errCode });
      await stillWorks(c, `after ${name}`);
    }
    expect(good.stats().reconnects).toBe(0);
    expect(c.workers()).toEqual([expect.objectContaining({ id: 'good', state: 'connected', reconnects: 0 })]);
  });

  it('answers bad HTTP bodies with 400 naming the field', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    const cases: [unknown, string, string][] = [
      ['{not json', 'malformed', ''],
      [{ params: {} }, 'invalid_argument', 'kind'],
      [{ kind: 'warp' }, 'unknown_task_kind', 'kind'],
      [{ kind: 'sleep', params: { durationMs: -5 } }, 'invalid_argument', 'params.durationMs'],
      [{ kind: 'echo', params: { value: 1 }, priority: 'urgent' }, 'invalid_argument', 'priority'],
      [{ kind: 'echo', params: { value: 1 }, retry: { strategy: 'sometimes' } }, 'invalid_argument', 'retry.strategy'],
      [{ kind: 'echo', params: { value: 1 }, timeoutMs: -1 }, 'invalid_argument', 'timeoutMs'],
    ];
    for (const [body, code, path] of cases) {
      const res = await http(c, 'POST', '/api/v1/executions', body);
      expect({ body, status: res.status, code: res.body.error?.code, path: res.body.error?.path }).toEqual({ body, status: 400, code, path });
    }
    const cycle = await http(c, 'POST', '/api/v1/graphs', {
      tasks: { a: { kind: 'echo', params: { value: 1 }, dependsOn: ['b'] }, b: { kind: 'echo', params: { value: 2 }, dependsOn: ['a'] } },
    });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error?.code).toBe('cycle');
    expect(cycle.body.error?.message).toMatch(/a.*b|b.*a/);
    expect((await http(c, 'GET', '/api/v1/executions/ex_missing')).status).toBe(404);
    expect((await http(c, 'PUT', '/api/v1/executions')).status).toBe(405);
    expect((await http(c, 'GET', '/healthz')).body).toMatchObject({ status: 'ok' });
  });

  it('repeats an idempotent submission with 200 and the same execution', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    const spec = { kind: 'echo', params: { value: 1 }, idempotencyKey: 'once' };
    const a = await http(c, 'POST', '/api/v1/executions', spec);
    const b = await http(c, 'POST', '/api/v1/executions', spec);
    expect([a.status, b.status]).toEqual([201, 200]);
    expect(b.body.executionId).toBe(a.body.executionId);
  });
});
