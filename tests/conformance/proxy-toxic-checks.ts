/**
 * The socket half of the proxy conformance suite: each check makes a fresh
 * proxy in front of the target's echo upstream, applies toxics through the
 * API and judges what a real TCP client sees. The same checks run against
 * the real Toxiproxy and squall's proxy. Assertions are on order and on
 * generous lower bounds (a loaded 2-core machine only ever makes things
 * later), never on tight timings.
 */
import { expect } from 'vitest';
import { type Client, connectClient, sleepMs, tryConnect } from '../proxy/helpers.js';
import type { ProxyTarget } from './proxy-targets.js';

/** One socket-level check. */
export interface ToxicCheck {
  name: string;
  run(t: ProxyTarget): Promise<void>;
}

let seq = 0;

/** A fresh proxy in front of the echo; returns its name and port. */
async function proxyFor(t: ProxyTarget): Promise<{ name: string; port: number }> {
  const name = `c${++seq}`;
  const r = await t.api('/proxies', { method: 'POST', body: { name, listen: '127.0.0.1:0', upstream: t.echo.addr } });
  expect(r.status, r.text).toBe(201);
  return { name, port: Number(String((r.json as { listen: string }).listen).split(':').pop()) };
}

async function toxic(t: ProxyTarget, proxy: string, body: object): Promise<void> {
  const r = await t.api(`/proxies/${proxy}/toxics`, { method: 'POST', body });
  expect(r.status, r.text).toBe(200);
}

/** Ms for one echo round trip of n bytes on a connected client. */
async function roundTrip(c: Client, n: number): Promise<number> {
  const before = c.received().length;
  const t0 = performance.now();
  c.socket.write(Buffer.alloc(n, 97));
  await c.waitFor(before + n);
  return performance.now() - t0;
}

/** Resolves with the time the client saw 'end' (a FIN), or null if it never did before closing. */
function endSeen(c: Client): Promise<number | null> {
  return new Promise((resolve) => {
    c.socket.once('end', () => resolve(performance.now()));
    void c.closed.then(() => resolve(null));
  });
}

async function latencyCheck(t: ProxyTarget, stream: 'upstream' | 'downstream'): Promise<void> {
  const p = await proxyFor(t);
  const c = await connectClient(p.port);
  expect(await roundTrip(c, 10)).toBeLessThan(150); // baseline: no toxic yet
  await toxic(t, p.name, { type: 'latency', stream, attributes: { latency: 200 } });
  expect(await roundTrip(c, 10)).toBeGreaterThanOrEqual(190);
  c.socket.destroy();
}

/** The checks; see the file comment. */
export const TOXIC_CHECKS: ToxicCheck[] = [
  { name: 'latency downstream delays the echo, on an open connection', run: (t) => latencyCheck(t, 'downstream') },
  { name: 'latency upstream delays the echo, on an open connection', run: (t) => latencyCheck(t, 'upstream') },
  {
    name: 'jitter keeps every delay within latency ± jitter and the bytes in order',
    async run(t) {
      const p = await proxyFor(t);
      await toxic(t, p.name, { type: 'latency', attributes: { latency: 100, jitter: 50 } });
      const c = await connectClient(p.port);
      for (let i = 0; i < 5; i++) expect(await roundTrip(c, 4)).toBeGreaterThanOrEqual(45);
      expect(c.received().toString()).toBe('a'.repeat(20));
      c.socket.destroy();
    },
  },
  {
    name: 'bandwidth (rate in KB/s) limits throughput',
    async run(t) {
      const p = await proxyFor(t);
      await toxic(t, p.name, { type: 'bandwidth', attributes: { rate: 20 } });
      const c = await connectClient(p.port);
      expect(await roundTrip(c, 10_000)).toBeGreaterThanOrEqual(350); // 10 KB at 20 KB/s = 500 ms
      c.socket.destroy();
    },
  },
  {
    name: 'slicer delivers the bytes unchanged in several pieces',
    async run(t) {
      const p = await proxyFor(t);
      await toxic(t, p.name, { type: 'slicer', attributes: { average_size: 100, size_variation: 10, delay: 5000 } });
      const c = await connectClient(p.port);
      await roundTrip(c, 1000);
      expect(c.received().equals(Buffer.alloc(1000, 97))).toBe(true);
      expect(c.chunks.length).toBeGreaterThanOrEqual(3);
      c.socket.destroy();
    },
  },
  {
    name: 'limit_data passes exactly N bytes, then closes',
    async run(t) {
      const p = await proxyFor(t);
      await toxic(t, p.name, { type: 'limit_data', attributes: { bytes: 10 } });
      const c = await connectClient(p.port);
      c.socket.write(Buffer.alloc(100, 97));
      await c.closed;
      expect(c.received().length).toBe(10);
    },
  },
  {
    name: 'slow_close holds the close back',
    async run(t) {
      const p = await proxyFor(t);
      await toxic(t, p.name, { type: 'slow_close', attributes: { delay: 300 } });
      const c = await connectClient(p.port);
      await roundTrip(c, 3);
      const t0 = performance.now();
      c.socket.end();
      await c.closed;
      expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
    },
  },
  {
    name: 'timeout without traffic closes about timeout ms after it was added, dropping data',
    async run(t) {
      const p = await proxyFor(t);
      const c = await connectClient(p.port);
      const t0 = performance.now();
      await toxic(t, p.name, { type: 'timeout', stream: 'upstream', attributes: { timeout: 300 } });
      await c.closed;
      expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
      expect(c.received().length).toBe(0);
    },
  },
  {
    name: 'timeout with traffic restarts on every chunk: closes only after the last data',
    async run(t) {
      const p = await proxyFor(t);
      const c = await connectClient(p.port);
      await toxic(t, p.name, { type: 'timeout', stream: 'upstream', attributes: { timeout: 400 } });
      let closed = false;
      void c.closed.then(() => (closed = true));
      // Five writes 150 ms apart: 600 ms in all, longer than the timeout, but never 400 ms without data.
      for (let i = 0; i < 5; i++) {
        await sleepMs(150);
        expect(closed, `closed before write ${i + 1}`).toBe(false);
        c.socket.write('x');
      }
      const last = performance.now();
      await c.closed;
      expect(performance.now() - last).toBeGreaterThanOrEqual(300);
      expect(c.received().length).toBe(0);
    },
  },
  {
    name: 'reset_peer present when the connection opens: RST (ECONNRESET)',
    async run(t) {
      const p = await proxyFor(t);
      await toxic(t, p.name, { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } });
      const c = await connectClient(p.port);
      c.socket.write('x');
      expect((await c.closed).errorCode).toBe('ECONNRESET');
      expect(c.received().length).toBe(0);
    },
  },
  {
    name: 'reset_peer added to an open connection: a FIN, not a RST',
    async run(t) {
      const p = await proxyFor(t);
      const c = await connectClient(p.port);
      await roundTrip(c, 2);
      await toxic(t, p.name, { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } });
      const fin = endSeen(c);
      c.socket.write('x');
      expect((await c.closed).errorCode).toBeUndefined();
      expect(await fin).not.toBeNull();
    },
  },
  {
    name: 'disable drops connections and refuses new ones; enable accepts again on the same port',
    async run(t) {
      const p = await proxyFor(t);
      const c = await connectClient(p.port);
      await roundTrip(c, 2);
      expect((await t.api(`/proxies/${p.name}`, { method: 'POST', body: { enabled: false } })).status).toBe(200);
      await c.closed;
      expect(await tryConnect(p.port)).toBe('ECONNREFUSED');
      expect((await t.api(`/proxies/${p.name}`, { method: 'POST', body: { enabled: true } })).status).toBe(200);
      const again = await connectClient(p.port);
      await roundTrip(again, 2);
      again.socket.destroy();
    },
  },
  {
    name: 'reset removes toxics from open connections and re-enables',
    async run(t) {
      const p = await proxyFor(t);
      await toxic(t, p.name, { type: 'latency', attributes: { latency: 300 } });
      const c = await connectClient(p.port);
      expect((await t.api('/reset', { method: 'POST' })).status).toBe(204);
      expect(await roundTrip(c, 2)).toBeLessThan(280);
      c.socket.destroy();
    },
  },
  {
    name: 'a listen update to the same address spelled differently keeps open connections',
    async run(t) {
      const p = await proxyFor(t);
      const c = await connectClient(p.port);
      await roundTrip(c, 2);
      expect((await t.api(`/proxies/${p.name}`, { method: 'PATCH', body: { listen: `localhost:${p.port}` } })).status).toBe(200);
      await roundTrip(c, 2);
      expect(c.socket.destroyed).toBe(false);
      c.socket.destroy();
    },
  },
  {
    name: 'populate with the same proxy (its address spelled localhost) keeps its open connections and toxics',
    async run(t) {
      const p = await proxyFor(t);
      await toxic(t, p.name, { type: 'latency', attributes: { latency: 200 } });
      const c = await connectClient(p.port);
      const r = await t.api('/populate', { method: 'POST', body: [{ name: p.name, listen: `localhost:${p.port}`, upstream: t.echo.addr }] });
      expect(r.status).toBe(201);
      expect(await roundTrip(c, 2)).toBeGreaterThanOrEqual(190);
      c.socket.destroy();
    },
  },
  {
    name: 'proxy metrics count the bytes of a finished connection',
    async run(t) {
      const p = await proxyFor(t);
      const c = await connectClient(p.port);
      await roundTrip(c, 7);
      c.socket.end();
      await c.closed;
      await sleepMs(100);
      const m = await t.api('/metrics');
      const line = m.text.split('\n').find((l) => l.startsWith('toxiproxy_proxy_received_bytes_total{') && l.includes(`proxy="${p.name}"`) && l.includes('direction="upstream"'));
      expect(line, m.text.slice(0, 400)).toMatch(/ 7$/);
    },
  },
];
