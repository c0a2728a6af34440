/**
 * The HTTP API against Toxiproxy 2.x's contract, by raw fetch: status codes,
 * JSON shapes and field order, default toxic names/streams/toxicity, error
 * bodies and messages.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRig, tryConnect, type Rig } from './helpers.js';

let rig: Rig;
beforeEach(async () => {
  rig = await startRig();
});
afterEach(async () => {
  await rig.close();
});

describe('proxies', () => {
  it('creates with 201 and reports the real listen port, in Go field order', async () => {
    const r = await rig.api('/proxies', 'POST', { name: 'p2', listen: '127.0.0.1:0', upstream: rig.echo.addr });
    expect(r.status).toBe(201);
    expect(Object.keys(r.json as object)).toEqual(['name', 'listen', 'upstream', 'enabled', 'Logger', 'toxics']);
    const p = r.json as { listen: string; enabled: boolean; toxics: unknown[] };
    expect(p.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(p.listen).not.toBe('127.0.0.1:0');
    expect(p).toMatchObject({ name: 'p2', upstream: rig.echo.addr, enabled: true, toxics: [] });
  });

  it('rejects a duplicate with 409 and Toxiproxy error body', async () => {
    const r = await rig.api('/proxies', 'POST', { name: 'echo', listen: '127.0.0.1:0', upstream: rig.echo.addr });
    expect(r.status).toBe(409);
    expect(r.json).toEqual({ error: 'proxy already exists', status: 409 });
    expect(r.text.endsWith('\n')).toBe(true);
  });

  it('rejects bad input with 400', async () => {
    expect((await rig.api('/proxies', 'POST', { upstream: 'x:1' })).json).toEqual({ error: 'missing required field: name', status: 400 });
    expect((await rig.api('/proxies', 'POST', { name: 'n' })).json).toEqual({ error: 'missing required field: upstream', status: 400 });
    expect((await rig.api('/proxies', 'POST', '')).json).toEqual({ error: 'bad request body: EOF', status: 400 });
    const bad = await rig.api('/proxies', 'POST', '{nope');
    expect(bad.status).toBe(400);
    expect((bad.json as { error: string }).error).toMatch(/^bad request body: /);
    expect((await rig.api('/proxies', 'POST', { name: 5, upstream: 'x:1' })).status).toBe(400);
  });

  it('creates a disabled proxy without listening', async () => {
    const r = await rig.api('/proxies', 'POST', { name: 'off', listen: '127.0.0.1:0', upstream: rig.echo.addr, enabled: false });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ enabled: false, listen: '127.0.0.1:0' });
  });

  it('lists proxies as an object keyed by name, sorted', async () => {
    await rig.api('/proxies', 'POST', { name: 'a', listen: '127.0.0.1:0', upstream: rig.echo.addr });
    const r = await rig.api('/proxies');
    expect(r.status).toBe(200);
    expect(Object.keys(r.json as object)).toEqual(['a', 'echo']);
    expect((r.json as Record<string, { name: string }>)['echo']?.name).toBe('echo');
  });

  it('shows, updates (POST and PATCH) and deletes a proxy', async () => {
    const shown = await rig.api('/proxies/echo');
    expect(shown.status).toBe(200);
    const listen = (shown.json as { listen: string }).listen;
    const off = await rig.api('/proxies/echo', 'PATCH', { enabled: false });
    expect(off.status).toBe(200);
    expect(off.json).toMatchObject({ enabled: false, listen });
    expect(await tryConnect(rig.port)).toBe('ECONNREFUSED');
    const on = await rig.api('/proxies/echo', 'POST', { enabled: true });
    expect(on.json).toMatchObject({ enabled: true, listen });
    expect(await tryConnect(rig.port)).toBe('connected');
    const del = await rig.api('/proxies/echo', 'DELETE');
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect(await tryConnect(rig.port)).toBe('ECONNREFUSED');
    expect((await rig.api('/proxies/echo')).json).toEqual({ error: 'proxy not found', status: 404 });
    expect((await rig.api('/proxies/echo', 'DELETE')).status).toBe(404);
    expect((await rig.api('/proxies/echo', 'PATCH', { enabled: true })).status).toBe(404);
  });

  it('moves a proxy to a new listen address on update', async () => {
    const r = await rig.api('/proxies/echo', 'POST', { listen: '127.0.0.1:0' });
    const listen = (r.json as { listen: string }).listen;
    const port = Number(listen.split(':')[1]);
    expect(port).not.toBe(rig.port);
    expect(r.json).toMatchObject({ enabled: true });
    expect(await tryConnect(port)).toBe('connected');
  });

  it('serialises concurrent changes: one create wins, toggles leave state and listener agreeing', async () => {
    const creates = await Promise.all(
      Array.from({ length: 8 }, () => rig.api('/proxies', 'POST', { name: 'race', listen: '127.0.0.1:0', upstream: rig.echo.addr })),
    );
    expect(creates.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const toggles = [false, true, false, true, false, true];
    for (let round = 0; round < 3; round++) {
      await Promise.all(toggles.map((enabled) => rig.api('/proxies/echo', 'PATCH', { enabled })));
      const { enabled } = (await rig.api('/proxies/echo')).json as { enabled: boolean };
      expect(await tryConnect(rig.port)).toBe(enabled ? 'connected' : 'ECONNREFUSED');
    }
  });

  it('reports a taken listen address as a 500 with Go-like text', async () => {
    const r = await rig.api('/proxies', 'POST', { name: 'clash', listen: `127.0.0.1:${rig.port}`, upstream: rig.echo.addr });
    expect(r.status).toBe(500);
    expect((r.json as { error: string }).error).toContain('address already in use');
  });
});

describe('populate', () => {
  it('answers 201 with {proxies: [...]} and replaces changed proxies', async () => {
    const r = await rig.api('/populate', 'POST', [
      { name: 'one', listen: '127.0.0.1:0', upstream: rig.echo.addr },
      { name: 'two', listen: '127.0.0.1:0', upstream: rig.echo.addr, enabled: false },
    ]);
    expect(r.status).toBe(201);
    const proxies = (r.json as { proxies: { name: string; enabled: boolean }[] }).proxies;
    expect(proxies.map((p) => [p.name, p.enabled])).toEqual([
      ['one', true],
      ['two', false],
    ]);
    expect(Object.keys(r.json as object)).toEqual(['proxies']);
  });

  it('keeps an identical proxy and validates all entries first', async () => {
    const listen = ((await rig.api('/proxies/echo')).json as { listen: string }).listen;
    const same = await rig.api('/populate', 'POST', [{ name: 'echo', listen, upstream: rig.echo.addr }]);
    expect(same.status).toBe(201);
    const bad = await rig.api('/populate', 'POST', [{ name: 'x', listen: '127.0.0.1:0', upstream: rig.echo.addr }, { listen: '127.0.0.1:0' }]);
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: 'missing required field: name at proxy 2', status: 400, proxies: null });
    expect((await rig.api('/proxies/x')).status).toBe(404);
    expect((await rig.api('/populate', 'POST', { not: 'array' })).status).toBe(400);
  });
});

describe('toxics', () => {
  it('creates with 200 and Toxiproxy defaults', async () => {
    const r = await rig.api('/proxies/echo/toxics', 'POST', { type: 'latency', attributes: { latency: 10 } });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json as object)).toEqual(['attributes', 'name', 'type', 'stream', 'toxicity']);
    expect(r.json).toEqual({ attributes: { latency: 10, jitter: 0 }, name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1 });
    const up = await rig.api('/proxies/echo/toxics', 'POST', { type: 'bandwidth', stream: 'upstream', toxicity: 0.1 });
    expect(up.json).toEqual({ attributes: { rate: 0 }, name: 'bandwidth_upstream', type: 'bandwidth', stream: 'upstream', toxicity: 0.1 });
  });

  it('gives every TCP toxic its attribute set', async () => {
    const expected: Record<string, Record<string, number>> = {
      latency: { latency: 0, jitter: 0 },
      bandwidth: { rate: 0 },
      slow_close: { delay: 0 },
      timeout: { timeout: 0 },
      reset_peer: { timeout: 0 },
      slicer: { average_size: 0, size_variation: 0, delay: 0 },
      limit_data: { bytes: 0 },
      noop: {},
    };
    for (const [type, attributes] of Object.entries(expected)) {
      const r = await rig.api('/proxies/echo/toxics', 'POST', { type, stream: 'upstream' });
      expect(r.status, type).toBe(200);
      expect((r.json as { attributes: unknown }).attributes, type).toEqual(attributes);
    }
  });

  it('refuses squall\'s corrupt extension as a real Toxiproxy does, unless extensions are on', async () => {
    const r = await rig.api('/proxies/echo/toxics', 'POST', { type: 'corrupt', attributes: { probability: 0.1 } });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'invalid toxic type', status: 400 });
    const ext = await startRig({ extensions: true });
    try {
      const ok = await ext.api('/proxies/echo/toxics', 'POST', { type: 'corrupt', stream: 'upstream' });
      expect(ok.status).toBe(200);
      expect((ok.json as { attributes: unknown }).attributes).toEqual({ probability: 0 });
    } finally {
      await ext.close();
    }
  });

  it('rejects duplicates (409), bad types/streams/attributes (400), unknown proxies (404)', async () => {
    await rig.api('/proxies/echo/toxics', 'POST', { type: 'latency' });
    expect((await rig.api('/proxies/echo/toxics', 'POST', { type: 'latency' })).json).toEqual({ error: 'toxic already exists', status: 409 });
    expect((await rig.api('/proxies/echo/toxics', 'POST', { type: 'nope' })).json).toEqual({ error: 'invalid toxic type', status: 400 });
    expect((await rig.api('/proxies/echo/toxics', 'POST', { type: 'latency', stream: 'sideways' })).json).toEqual({
      error: 'stream was invalid, can be either upstream or downstream',
      status: 400,
    });
    expect((await rig.api('/proxies/echo/toxics', 'POST', { type: 'latency', name: 'l2', attributes: { latency: 1.5 } })).status).toBe(400);
    expect((await rig.api('/proxies/echo/toxics', 'POST', { type: 'latency', name: 'l3', attributes: { latency: 'x' } })).status).toBe(400);
    expect((await rig.api('/proxies/nope/toxics', 'POST', { type: 'latency' })).json).toEqual({ error: 'proxy not found', status: 404 });
    expect((await rig.api('/proxies/nope/toxics')).status).toBe(404);
  });

  it('lists upstream toxics before downstream ones, in creation order', async () => {
    await rig.api('/proxies/echo/toxics', 'POST', { type: 'latency', name: 'd1' });
    await rig.api('/proxies/echo/toxics', 'POST', { type: 'latency', name: 'u1', stream: 'upstream' });
    await rig.api('/proxies/echo/toxics', 'POST', { type: 'slicer', name: 'd2' });
    const r = await rig.api('/proxies/echo/toxics');
    expect((r.json as { name: string }[]).map((t) => t.name)).toEqual(['u1', 'd1', 'd2']);
    const p = await rig.api('/proxies/echo');
    expect((p.json as { toxics: { name: string }[] }).toxics.map((t) => t.name)).toEqual(['u1', 'd1', 'd2']);
  });

  it('shows, updates (merging attributes) and deletes a toxic', async () => {
    await rig.api('/proxies/echo/toxics', 'POST', { type: 'latency', attributes: { latency: 10, jitter: 2 } });
    expect((await rig.api('/proxies/echo/toxics/latency_downstream')).json).toMatchObject({ attributes: { latency: 10, jitter: 2 } });
    const upd = await rig.api('/proxies/echo/toxics/latency_downstream', 'PATCH', { attributes: { latency: 30 }, name: 'ignored', stream: 'upstream' });
    expect(upd.status).toBe(200);
    expect(upd.json).toEqual({ attributes: { latency: 30, jitter: 2 }, name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1 });
    const tox = await rig.api('/proxies/echo/toxics/latency_downstream', 'POST', { toxicity: 0.5 });
    expect(tox.json).toMatchObject({ toxicity: 0.5, attributes: { latency: 30, jitter: 2 } });
    expect((await rig.api('/proxies/echo/toxics/latency_downstream', 'DELETE')).status).toBe(204);
    expect((await rig.api('/proxies/echo/toxics/latency_downstream')).json).toEqual({ error: 'toxic not found', status: 404 });
    expect((await rig.api('/proxies/echo/toxics/latency_downstream', 'DELETE')).status).toBe(404);
    expect((await rig.api('/proxies/echo/toxics/latency_downstream', 'PATCH', { toxicity: 1 })).status).toBe(404);
  });
});

describe('reset, version, routing', () => {
  it('reset (204) re-enables proxies and removes toxics', async () => {
    await rig.api('/proxies/echo/toxics', 'POST', { type: 'timeout' });
    await rig.api('/proxies/echo', 'POST', { enabled: false });
    const r = await rig.api('/reset', 'POST');
    expect(r.status).toBe(204);
    expect((await rig.api('/proxies/echo')).json).toMatchObject({ enabled: true, toxics: [] });
    expect(await tryConnect(rig.port)).toBe('connected');
  });

  it('version is JSON as in Toxiproxy 2.12', async () => {
    const r = await rig.api('/version');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ version: '2.12.0' });
  });

  it('unknown paths 404, wrong methods 405, browsers 403', async () => {
    expect((await rig.api('/nope')).status).toBe(404);
    expect((await rig.api('/proxies/echo', 'PUT')).status).toBe(405);
    expect((await rig.api('/version', 'POST')).status).toBe(405);
    const browser = await fetch(`${rig.server.url}/proxies`, { headers: { 'User-Agent': 'Mozilla/5.0' } });
    expect(browser.status).toBe(403);
  });
});
