import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer, Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { Connection, Listener } from '../core/transport.js';
import { wsTransport } from './index.js';

const transport = wsTransport();
const listeners: Listener[] = [];

afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

function collect(conn: Connection): { frames: string[]; closed: Promise<{ code: number; reason: string }>; closes: number } {
  const out = { frames: [] as string[], closes: 0, closed: undefined as unknown as Promise<{ code: number; reason: string }> };
  out.closed = new Promise((resolve) => {
    conn.attach({
      onMessage: (f) => out.frames.push(f),
      onClose: (code, reason) => {
        out.closes += 1;
        resolve({ code, reason });
      },
    });
  });
  return out;
}

async function listen(extra: Partial<Parameters<typeof transport.listen>[0]> = {}): Promise<{ l: Listener; conns: Connection[] }> {
  const conns: Connection[] = [];
  const l = await transport.listen({
    host: '127.0.0.1',
    port: 0,
    maxPayloadBytes: 64 * 1024,
    perMessageDeflate: { thresholdBytes: 16 },
    onConnection: (c) => conns.push(c),
    onHttp: async (req) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: req.path, q: req.query.get('q'), body: req.body, method: req.method }) }),
    ...extra,
  });
  listeners.push(l);
  return { l, conns };
}

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

describe('wsTransport', () => {
  it('exchanges text frames both ways, buffering frames that arrive before attach()', async () => {
    const { l, conns } = await listen();
    const client = await transport.connect(`${l.url}/ws`, { handshakeTimeoutMs: 2000, maxPayloadBytes: 64 * 1024, perMessageDeflate: { thresholdBytes: 16 } });
    const c = collect(client);
    await until(() => conns.length === 1);
    const server = conns[0] as Connection;
    client.send('hello-before-attach');
    client.send('x'.repeat(1000)); // compressed
    await new Promise((r) => setTimeout(r, 30));
    const s = collect(server);
    await until(() => s.frames.length === 2);
    expect(s.frames).toEqual(['hello-before-attach', 'x'.repeat(1000)]);
    expect(server.send('back')).toBe(true);
    await until(() => c.frames.length === 1);
    expect(c.frames[0]).toBe('back');
    server.close(4409, 'replaced');
    expect((await c.closed).code).toBe(4409);
    expect((await s.closed).code).toBe(4409);
    expect(s.closes).toBe(1);
    expect(c.closes).toBe(1);
    expect(server.send('late')).toBe(false);
  });

  it('refuses a binary frame: close 1003 (unsupported data), nothing delivered', async () => {
    const { l, conns } = await listen();
    const raw = new WebSocket(`${l.url}/ws`);
    await new Promise((r) => raw.once('open', r));
    await until(() => conns.length === 1);
    const s = collect(conns[0] as Connection);
    const rawClosed = new Promise<{ code: number; reason: string }>((r) => raw.once('close', (code, reason) => r({ code, reason: reason.toString() })));
    raw.send(Buffer.from('{"bin":1}'), { binary: true });
    expect(await rawClosed).toEqual({ code: 1003, reason: 'binary frames are not accepted: send text frames, one JSON object each' });
    expect((await s.closed).code).toBe(1003);
    expect(s.frames).toEqual([]);
  });

  it('reports terminate() as 1006 on the peer', async () => {
    const { l, conns } = await listen();
    const raw = new WebSocket(`${l.url}/ws`);
    await new Promise((r) => raw.once('open', r));
    await until(() => conns.length === 1);
    const s = collect(conns[0] as Connection);
    raw.send('{"text":1}');
    await until(() => s.frames.length === 1);
    const rawClosed = new Promise<number>((r) => raw.once('close', (code) => r(code)));
    (conns[0] as Connection).terminate();
    expect(await rawClosed).toBe(1006);
    expect((await s.closed).code).toBe(1006);
  });

  it('closes with 1009 above the hard payload cap', async () => {
    const { l, conns } = await listen({ maxPayloadBytes: 1024 });
    const raw = new WebSocket(`${l.url}/ws`);
    await new Promise((r) => raw.once('open', r));
    await until(() => conns.length === 1);
    const s = collect(conns[0] as Connection);
    const rawClosed = new Promise<number>((r) => raw.once('close', (code) => r(code)));
    raw.send('y'.repeat(5000));
    expect(await rawClosed).toBe(1009);
    // ws reports the server side of a protocol-error close as 1006 (it sent 1009 and did not wait).
    expect([1006, 1009]).toContain((await s.closed).code);
  });

  it('serves plain HTTP on the same port and limits the body size', async () => {
    const { l } = await listen();
    const base = `http://127.0.0.1:${l.port}`;
    const res = await fetch(`${base}/api/v1/x?q=1`, { method: 'POST', body: '{"a":1}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: '/api/v1/x', q: '1', body: '{"a":1}', method: 'POST' });
    const big = await fetch(`${base}/api/v1/x`, { method: 'POST', body: 'z'.repeat(1024 * 1024 + 10) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('too_large');
  });

  it('rejects connects clearly: refused, wrong path, aborted', async () => {
    const { l } = await listen();
    const opts = { handshakeTimeoutMs: 1000, maxPayloadBytes: 1024, perMessageDeflate: false as const };
    await expect(transport.connect(`${l.url}/nope`, opts)).rejects.toThrow(/HTTP 404/);
    const port = l.port;
    await l.close();
    await expect(transport.connect(`ws://127.0.0.1:${port}/ws`, opts)).rejects.toThrow(/ECONNREFUSED/);
    const ac = new AbortController();
    ac.abort();
    await expect(transport.connect(`ws://127.0.0.1:${port}/ws`, { ...opts, signal: ac.signal })).rejects.toThrow(/aborted/);
  });

  it('rejects with a timeout when the server never answers the handshake', async () => {
    const held: Socket[] = [];
    const silent = createServer((s) => held.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const addr = silent.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    try {
      await expect(
        transport.connect(`ws://127.0.0.1:${port}/ws`, { handshakeTimeoutMs: 100, maxPayloadBytes: 1024, perMessageDeflate: false }),
      ).rejects.toThrow(/timed out after 100 ms/);
    } finally {
      held.forEach((s) => s.destroy());
      await new Promise((r) => silent.close(r));
    }
  });

  it('frames sent in one tick (socket corked until nextTick) all arrive, in order, also when close() follows at once', async () => {
    const { l, conns } = await listen();
    const client = await transport.connect(`${l.url}/ws`, { handshakeTimeoutMs: 2000, maxPayloadBytes: 64 * 1024, perMessageDeflate: { thresholdBytes: 16 } });
    collect(client);
    await until(() => conns.length === 1);
    const s = collect(conns[0] as Connection);
    const sent = Array.from({ length: 500 }, (_, i) => (i % 50 === 0 ? `big-${i}-${'y'.repeat(200)}` : `f${i}`)); // some compressed
    for (const f of sent) expect(client.send(f)).toBe(true);
    await until(() => s.frames.length === sent.length);
    expect(s.frames).toEqual(sent);
    client.send('last-a');
    client.send('last-b');
    client.close(4000, 'bye');
    expect(await s.closed).toEqual({ code: 4000, reason: 'bye' });
    expect(s.frames.slice(-2)).toEqual(['last-a', 'last-b']);
  });

  it('corks the socket under the WebSocket on both ends (one write per tick)', async () => {
    const { l, conns } = await listen({ perMessageDeflate: false });
    const client = await transport.connect(`${l.url}/ws`, { handshakeTimeoutMs: 2000, maxPayloadBytes: 64 * 1024, perMessageDeflate: false });
    const c = collect(client);
    await until(() => conns.length === 1);
    const server = conns[0] as Connection;
    const s = collect(server);
    const cork = vi.spyOn(Socket.prototype, 'cork');
    // Still corked after the sends of this tick (ws's own cork/uncork pairs leave none), uncorked on nextTick.
    const corkedNow = (): number => new Set(cork.mock.contexts.filter((x): x is Socket => x instanceof Socket && x.writableCorked > 0)).size;
    try {
      for (const f of ['a', 'b', 'c']) client.send(f);
      expect(corkedNow()).toBe(1);
      for (const f of ['x', 'y']) server.send(f);
      expect(corkedNow()).toBe(2);
      await new Promise((r) => process.nextTick(r));
      expect(corkedNow()).toBe(0);
    } finally {
      cork.mockRestore();
    }
    await until(() => s.frames.length === 3 && c.frames.length === 2);
    expect([s.frames, c.frames]).toEqual([['a', 'b', 'c'], ['x', 'y']]);
  });

  it('what onConnection sends at once (the welcome) leaves in the same write as the 101 answer', async () => {
    const { l } = await listen({ perMessageDeflate: false, onConnection: (c) => void c.send('{"type":"welcome"}') });
    const writes = vi.spyOn(Socket.prototype as unknown as { _writeGeneric(...args: unknown[]): unknown }, '_writeGeneric');
    const port = Number(new URL(l.url).port);
    const sock = new Socket();
    const first = new Promise<string>((resolve) => sock.once('data', (d: Buffer) => resolve(d.toString('latin1'))));
    try {
      sock.connect(port, '127.0.0.1', () => {
        sock.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      });
      const data = await first;
      expect(data.startsWith('HTTP/1.1 101')).toBe(true);
      expect(data.endsWith('{"type":"welcome"}')).toBe(true);
      // The server's writes on its socket after the upgrade request: one (a writev), not the 101 and then the frame.
      const serverWrites = writes.mock.contexts.filter((x) => x !== sock);
      expect(serverWrites.length).toBe(1);
    } finally {
      writes.mockRestore();
      sock.destroy();
    }
  });

  it('close() on the listener closes open connections with 1001', async () => {
    const { l, conns } = await listen();
    const client = await transport.connect(`${l.url}/ws`, { handshakeTimeoutMs: 2000, maxPayloadBytes: 1024, perMessageDeflate: false });
    const c = collect(client);
    await until(() => conns.length === 1);
    collect(conns[0] as Connection);
    await l.close();
    expect((await c.closed).code).toBe(1001);
  });
});
