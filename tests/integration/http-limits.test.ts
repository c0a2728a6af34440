/**
 * Every request gets an HTTP answer (issue 9 #7): unknown methods 405 with
 * Allow, long URLs 414, big headers 431, and a busy port fails at once with
 * a clear error. Raw sockets, so nothing in an HTTP client hides a dropped
 * connection (which reads as an empty answer: the old behaviour).
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Listener } from '../../system/core/transport.js';
import { listenWs } from '../../system/transport/ws-server.js';

let listener: Listener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

async function start(): Promise<Listener> {
  listener = await listenWs({
    host: '127.0.0.1',
    port: 0,
    wsPath: '/ws',
    maxPayloadBytes: 1024,
    perMessageDeflate: false,
    onConnection: () => {},
    onHttp: async () => ({ status: 200, headers: {}, body: 'ok' }),
  });
  return listener;
}

/** Sends raw bytes, returns the status line (empty when the connection was dropped). */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('error', () => resolve(got.split('\r\n')[0] ?? ''));
    s.on('close', () => resolve(got.split('\r\n').slice(0, 8).join('\n')));
    s.write(request);
  });
}

describe('HTTP answers instead of dropped connections', () => {
  it('unknown method: 405 with Allow', async () => {
    const l = await start();
    const head = await raw(l.port, 'FOO /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1.1 405/);
    expect(head.toLowerCase()).toContain('allow: get, post');
  });

  it('URL over the limit: 414; far over the parser limit: 431', async () => {
    const l = await start();
    expect(await raw(l.port, `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`)).toMatch(/^HTTP\/1.1 414/);
    expect(await raw(l.port, `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`)).toMatch(/^HTTP\/1.1 431/);
  });

  it('headers over the limit: 431', async () => {
    const l = await start();
    expect(await raw(l.port, `GET /x HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`)).toMatch(/^HTTP\/1.1 431/);
  });

  it('a normal request still works', async () => {
    const l = await start();
    expect(await raw(l.port, 'GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1.1 200/);
  });

  it('a busy port rejects at once with EADDRINUSE (the coordinator turns it into a clear error)', async () => {
    const l = await start();
    await expect(listenWs({ host: '127.0.0.1', port: l.port, maxPayloadBytes: 1024, perMessageDeflate: false, onConnection: () => {} })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });
});
