/**
 * The proxy driven by toxiproxy-node-client, call by call, and through the
 * harness helper connectFaultProxy (our server when TOXIPROXY_URL is unset).
 */
import { Toxiproxy, ToxiproxyError } from 'toxiproxy-node-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectFaultProxy } from '../../harness/proxy/client.js';
import { startProxyServer, type ProxyServer } from '../../harness/proxy/server.js';
import { connectClient, startEcho, tryConnect, type Echo } from './helpers.js';

let server: ProxyServer;
let echo: Echo;
let toxiproxy: Toxiproxy;
beforeEach(async () => {
  echo = await startEcho();
  server = await startProxyServer({ port: 0, seed: 1 });
  toxiproxy = new Toxiproxy(server.url);
});
afterEach(async () => {
  await server.close();
  await echo.close();
});

const portOf = (listen: string): number => Number(listen.split(':').pop());

describe('toxiproxy-node-client', () => {
  it('creates, lists, gets, updates and removes proxies', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'redis', listen: '127.0.0.1:0', upstream: echo.addr });
    expect(proxy.name).toBe('redis');
    expect(proxy.enabled).toBe(true);
    expect(portOf(proxy.listen)).toBeGreaterThan(0);
    await expect(toxiproxy.createProxy({ name: 'redis', listen: '127.0.0.1:0', upstream: echo.addr })).rejects.toBeInstanceOf(ToxiproxyError);

    const all = await toxiproxy.getAll();
    expect(Object.keys(all)).toEqual(['redis']);
    const got = await toxiproxy.get('redis');
    expect(got.listen).toBe(proxy.listen);

    const disabled = await got.update({ enabled: false, listen: got.listen, upstream: got.upstream });
    expect(disabled.enabled).toBe(false);
    expect(await tryConnect(portOf(proxy.listen))).toBe('ECONNREFUSED');
    await toxiproxy.reset();
    expect((await toxiproxy.get('redis')).enabled).toBe(true);

    await got.remove();
    await expect(toxiproxy.get('redis')).rejects.toThrow(/404/);
  });

  it('adds, reads, updates and removes toxics', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'svc', listen: '127.0.0.1:0', upstream: echo.addr });
    const toxic = await proxy.addToxic<{ latency: number; jitter: number }>({
      type: 'latency',
      attributes: { latency: 50, jitter: 0 },
    } as never);
    expect(toxic.toJson()).toEqual({ attributes: { latency: 50, jitter: 0 }, name: 'latency_downstream', stream: 'downstream', toxicity: 1, type: 'latency' });
    const read = await proxy.getToxic<{ latency: number }>('latency_downstream');
    expect(read.attributes.latency).toBe(50);
    const updated = await read.update({ ...read.toJson(), attributes: { latency: 70 } } as never);
    expect(updated.attributes).toEqual({ latency: 70, jitter: 0 });

    const c = await connectClient(portOf(proxy.listen));
    const t0 = performance.now();
    c.socket.write('ping');
    await c.waitFor(4);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(60);
    c.socket.destroy();

    await updated.remove();
    await expect(proxy.getToxic('latency_downstream')).rejects.toThrow(/404/);
  });

  it('populates and reads the version', async () => {
    const proxies = await toxiproxy.populate([
      { name: 'a', listen: '127.0.0.1:0', upstream: echo.addr },
      { name: 'b', listen: '127.0.0.1:0', upstream: echo.addr },
    ]);
    expect(Object.keys(proxies).sort()).toEqual(['a', 'b']);
    expect(JSON.parse(await toxiproxy.getVersion())).toEqual({ version: '2.12.0' });
  });
});

describe('connectFaultProxy', () => {
  it('starts our server when no URL is given and cleans up on close', async () => {
    const saved = process.env['TOXIPROXY_URL'];
    delete process.env['TOXIPROXY_URL'];
    const fp = await connectFaultProxy({ seed: 3 });
    try {
      expect(fp.external).toBe(false);
      const proxy = await fp.createProxy('w1', echo.addr);
      const port = portOf(proxy.listen);
      const t = await fp.addToxic('w1', { type: 'timeout', attributes: { timeout: 0 } });
      expect(t.name).toBe('timeout_downstream');
      await fp.updateToxic('w1', 'timeout_downstream', { toxicity: 0 });
      await fp.removeToxic('w1', 'timeout_downstream');
      await fp.setEnabled('w1', false);
      expect(await tryConnect(port)).toBe('ECONNREFUSED');
      await fp.setEnabled('w1', true);
      expect(await tryConnect(port)).toBe('connected');
      await fp.reset();
    } finally {
      await fp.close();
      if (saved !== undefined) process.env['TOXIPROXY_URL'] = saved;
    }
  });

  it('uses an external Toxiproxy URL when given (here: another of our servers)', async () => {
    const fp = await connectFaultProxy({ url: server.url });
    expect(fp.external).toBe(true);
    await fp.createProxy('ext', echo.addr);
    expect(Object.keys(server.collection.index())).toEqual(['ext']);
    await fp.close();
    expect(Object.keys(server.collection.index())).toEqual([]);
  });
});
