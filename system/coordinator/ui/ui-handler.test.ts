import { describe, expect, it } from 'vitest';
import type { SystemEvent } from '../../core/events.js';
import type { HttpRequest, HttpResponse, HttpStreamSink } from '../../core/transport.js';
import { fakeClock, startEngine } from '../../engine/testing.js';
import type { ExecutionId } from '../../core/ids.js';
import type { ExecutionRecord } from '../../core/model.js';
import { EventHub } from './event-hub.js';
import { createUiHandler, executionGraph, type UiDeps } from './ui-handler.js';

const req = (path: string, headers: Record<string, string> = {}, method = 'GET'): HttpRequest => ({ method, path, query: new URLSearchParams(), headers, body: '' });

function rec(id: string, dependencies: string[] = []): ExecutionRecord {
  return { executionId: id, taskId: id, kind: 'echo', status: 'completed', dependencies } as unknown as ExecutionRecord;
}
function engine(records: ExecutionRecord[]): UiDeps['engine'] {
  const byId = new Map<string, ExecutionRecord>(records.map((r) => [r.executionId as string, r]));
  const dependentsOf = (id: string): ExecutionId[] => records.filter((r) => (r.dependencies as string[]).includes(id)).map((r) => r.executionId);
  return { getExecution: (id: string) => byId.get(id), dependentsOf, getExecutionStats: () => ({ total: records.length }) };
}
function sink(): HttpStreamSink & { chunks: string[]; close(): void } {
  const closers: (() => void)[] = [];
  const chunks: string[] = [];
  return { chunks, write: (c) => (chunks.push(c), true), end: () => closers.forEach((f) => f()), onClose: (f) => void closers.push(f), close: () => closers.forEach((f) => f()) };
}
const ev = (workerId: string): SystemEvent => ({ type: 'worker_registered', at: 1, source: 'c', workerId, sessionId: 's', resumed: false, connectionId: 'k' });

describe('dashboard routes', () => {
  const t = fakeClock();
  const token = (r: HttpRequest): HttpResponse | undefined => (r.headers.authorization === 'Bearer good' ? undefined : { status: 401, body: '{"error":{"code":"auth_failed"}}' });

  it('serves the page and assets to anyone, data only through the auth check', async () => {
    const ui = createUiHandler({ clock: t.clock, engine: engine([rec('a'), rec('b', ['a'])]), workers: () => [], authorize: token });
    const page = await ui.handle(req('/ui'));
    expect(page?.status).toBe(200);
    expect(page?.body).toMatch(/<script type="module" src="\/ui\/assets\/app.js">/);
    expect(page?.headers?.['content-security-policy']).toMatch(/default-src 'none'/);
    expect((await ui.handle(req('/ui/assets/client.js')))?.status).toBe(200);
    // The page and every asset carry the security headers: never framed, never sniffed, never cached.
    for (const p of ['/ui', '/ui/assets/app.js', '/ui/assets/style.css']) {
      const h = (await ui.handle(req(p)))?.headers ?? {};
      expect(h['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(h).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
    }
    expect((await ui.handle(req('/ui/assets/../ui-handler.ts')))?.status).toBe(404);
    expect((await ui.handle(req('/ui/graph/b')))?.status).toBe(401);
    expect((await ui.handle(req('/ui/events')))?.status).toBe(401);
    expect((await ui.handle(req('/ui/graph/b', { authorization: 'Bearer good' })))?.status).toBe(200);
    expect((await ui.handle(req('/ui/events', { authorization: 'Bearer good' })))?.stream).toBeDefined();
    const post = await ui.handle(req('/ui', {}, 'POST'));
    expect(post?.status).toBe(405);
    // A 405 is a JSON error body typed as one, with Allow and the dashboard's security headers.
    expect(post?.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', allow: 'GET, HEAD', 'x-content-type-options': 'nosniff' });
    expect(ui.handle(req('/api/v1/stats'))).toBeUndefined();
    // No cookie is ever set.
    for (const p of ['/ui', '/ui/assets/app.js', '/ui/graph/b']) expect(JSON.stringify((await ui.handle(req(p, { authorization: 'Bearer good' })))?.headers ?? {})).not.toMatch(/set-cookie/i);
  });

  it('draws a graph upstream and downstream of an execution', () => {
    const g = executionGraph(engine([rec('a'), rec('b', ['a']), rec('c', ['a']), rec('d', ['b', 'c']), rec('x')]), 'b');
    expect(g?.nodes.map((n) => n.id).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(g?.edges.sort()).toEqual([['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd']]);
  });

  it('draws a join that also waits on an execution outside the graph, with its dependents, but not that execution', () => {
    const g = executionGraph(engine([rec('a'), rec('z'), rec('j', ['a', 'z']), rec('k', ['j']), rec('y')]), 'a');
    expect(g?.nodes.map((n) => n.id).sort()).toEqual(['a', 'j', 'k']);
    expect(g?.edges.sort()).toEqual([['a', 'j'], ['j', 'k']]);
  });

  it('draws a dependent submitted after a thousand others (the engine\'s own index, not the listing\'s first page)', async () => {
    const { engine: real, time } = await startEngine();
    const [a] = await real.scheduleTaskBatch([{ kind: 'echo' }]);
    await time.tickAsync(1);
    await real.scheduleTaskBatch(Array.from({ length: 1100 }, () => ({ kind: 'echo' })));
    await time.tickAsync(1);
    // Submitted last: the listing's first page (oldest first) does not reach it.
    const late = await real.scheduleTask({ kind: 'echo', dependencies: [a?.executionId ?? ''] });
    expect(real.listExecutions({ limit: 1000 }).executions.some((r) => r.executionId === late.executionId)).toBe(false);
    const g = executionGraph(real, a?.executionId ?? '');
    expect(g?.nodes.map((n) => n.id)).toEqual([a?.executionId, late.executionId]);
    expect(g?.edges).toEqual([[a?.executionId, late.executionId]]);
  });

  it('stops at the node limit', () => {
    const fan = Array.from({ length: 300 }, (_, i) => rec(`d${i}`, ['a']));
    expect(executionGraph(engine([rec('a'), ...fan]), 'a')?.nodes).toHaveLength(200);
  });

  it('stops at the node limit upstream too: a join waiting on 300 executions', () => {
    const deps = Array.from({ length: 300 }, (_, i) => rec(`u${i}`));
    const g = executionGraph(engine([...deps, rec('j', deps.map((d) => d.executionId))]), 'j');
    expect(g?.nodes).toHaveLength(200);
    expect(g?.nodes[0]?.id).toBe('j');
  });

  it('coalesces a burst of events into one push per window and stops when the last client leaves', async () => {
    const ui = createUiHandler({ clock: t.clock, engine: engine([]), workers: () => [{ id: 'w1' }], flushMs: 250 });
    const res = await ui.handle(req('/ui/events'));
    const s = sink();
    res?.stream?.start(s);
    const pushes = (): string[] => s.chunks.filter((c) => c.includes('event: update'));
    expect(pushes()).toHaveLength(1); // the snapshot on connect
    for (let i = 0; i < 500; i++) ui.notify(ev(`w${i}`));
    await t.tickAsync(249);
    expect(pushes()).toHaveLength(1);
    await t.tickAsync(1);
    expect(pushes()).toHaveLength(2);
    const data = JSON.parse(pushes()[1]?.split('data: ')[1] ?? '{}') as { events: unknown[]; dropped: number; workers: unknown[] };
    expect(data.events).toHaveLength(200);
    expect(data.dropped).toBe(300);
    expect(data.workers).toEqual([{ id: 'w1' }]);
    s.close();
    expect(ui.hub.size).toBe(0);
    ui.notify(ev('late'));
    await t.tickAsync(1000);
    expect(pushes()).toHaveLength(2);
  });

  it('sends a stream that attached mid-window only the events that came after it (its snapshot covers the rest)', async () => {
    const hub = new EventHub({ clock: t.clock, snapshot: () => ({}), flushMs: 250, maxEvents: 4 });
    const a = sink();
    const b = sink();
    hub.attach(a);
    for (let i = 0; i < 3; i++) hub.notify(ev(`before${i}`));
    hub.attach(b);
    for (let i = 0; i < 3; i++) hub.notify(ev(`after${i}`));
    await t.tickAsync(250);
    const last = (s: { chunks: string[] }): { events: { workerId: string }[]; dropped: number } => JSON.parse(s.chunks.filter((c) => c.includes('event: update')).at(-1)?.split('data: ')[1] ?? '{}') as { events: { workerId: string }[]; dropped: number };
    expect(last(a)).toMatchObject({ dropped: 2, events: [{ workerId: 'before2' }, { workerId: 'after0' }, { workerId: 'after1' }, { workerId: 'after2' }] });
    expect(last(b)).toMatchObject({ dropped: 0, events: [{ workerId: 'after0' }, { workerId: 'after1' }, { workerId: 'after2' }] });
    a.close();
    b.close();
  });
});
