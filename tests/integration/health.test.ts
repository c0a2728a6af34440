/**
 * /healthz and /readyz tell the truth about the store (issue 9 #7): 503 while
 * it cannot commit, 200 again once a probe commits; a submission during the
 * failure is 503 store_unavailable and leaves no trace; after recovery the
 * same idempotency key creates the execution and a worker runs it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../system/core/clock.js';
import { seededRandom } from '../../system/core/random.js';
import { FaultyStore } from '../../system/store/faulty-store.js';
import { MemoryStore } from '../../system/store/memory-store.js';
import { FAST_COORDINATOR, Fixture, http, waitFor } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

describe('health reflects the store', () => {
  it('unhealthy and not ready while the disk is full; ready and dispatching after it frees', async () => {
    fx = new Fixture();
    const disk = new FaultyStore(new MemoryStore(), systemClock, seededRandom(3));
    const c = await fx.coordinator(FAST_COORDINATOR, disk);
    expect((await http(c, 'GET', '/healthz')).status).toBe(200);
    expect((await http(c, 'GET', '/readyz')).status).toBe(200);
    disk.setMode({ type: 'disk_full' });
    const failed = await http(c, 'POST', '/api/v1/executions', { kind: 'echo', params: { value: 1 }, idempotencyKey: 'k' });
    expect(failed.status).toBe(503);
    expect(failed.body.error).toMatchObject({ code: 'store_unavailable' });
    const health = await http(c, 'GET', '/healthz');
    expect(health.status).toBe(503);
    expect(JSON.stringify(health.body)).toMatch(/ENOSPC/);
    expect((await http(c, 'GET', '/readyz')).status).toBe(503);
    expect((await http(c, 'GET', '/api/v1/executions')).body.executions).toEqual([]);
    disk.setMode({ type: 'ok' });
    await waitFor(async () => (await http(c, 'GET', '/readyz')).status === 200, 'ready again');
    const created = await http(c, 'POST', '/api/v1/executions', { kind: 'echo', params: { value: 1 }, idempotencyKey: 'k' });
    expect(created.status).toBe(201);
    fx.worker(c.url, 'w1');
    const id = created.body.executionId as string;
    await waitFor(async () => (await http(c, 'GET', `/api/v1/executions/${id}`)).body.status === 'completed', 'completed after recovery');
  });
});

describe('per-client quota', () => {
  it('429 with Retry-After past maxPendingPerClient, per client; other clients unaffected', async () => {
    fx = new Fixture();
    const c = await fx.coordinator({ ...FAST_COORDINATOR, maxPendingPerClient: 2 });
    const post = (client: string): Promise<Response> =>
      fetch(`${c.httpUrl}/api/v1/executions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-squall-client': client },
        body: JSON.stringify({ kind: 'echo', params: { value: 1 } }),
      });
    expect((await post('a')).status).toBe(201);
    expect((await post('a')).status).toBe(201);
    const refused = await post('a');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(JSON.stringify(await refused.json())).toMatch(/client:a has 2 unfinished executions/);
    expect((await post('b')).status).toBe(201);
    fx.worker(c.url, 'w1');
    await waitFor(async () => (await post('a')).status === 201, 'a may submit again once its work finished');
  });

  it('counts submissions arriving together: each is admitted against the slots the others already hold', async () => {
    fx = new Fixture();
    const disk = new FaultyStore(new MemoryStore(), systemClock, seededRandom(1));
    disk.setMode({ type: 'slow_disk', minMs: 50, maxMs: 50 }); // every submission is still uncommitted when the others arrive
    const c = await fx.coordinator({ ...FAST_COORDINATOR, maxPendingPerClient: 2 }, disk);
    const post = (): Promise<Response> =>
      fetch(`${c.httpUrl}/api/v1/executions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-squall-client': 'burst' }, body: JSON.stringify({ kind: 'echo', params: { value: 1 } }) });
    const statuses = (await Promise.all([post(), post(), post(), post(), post()])).map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 429, 429, 429]);
  });
});
