/**
 * HEAD over a real socket (system/coordinator/http-head.ts through the real
 * server's writeAnswer): node sends the head with the GET body's
 * Content-Length and not one byte of body, then the connection's next
 * answer starts right there (a kept-alive client reads both).
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../system/core/clock.js';
import type { Listener } from '../../system/core/transport.js';
import { createHttpApi } from '../../system/coordinator/http-api.js';
import { FakeEngine } from '../../system/coordinator/testing.js';
import { listenWs } from '../../system/transport/ws-server.js';

const METRICS = 'squall_büß 1\n';
let listener: Listener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

/** Writes `request` on one connection and returns every byte read until the server closes it. */
function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    s.on('data', (d) => chunks.push(d));
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    s.write(request);
  });
}

describe('HEAD on a real server', () => {
  it('answers the GET body length and no body, and the next answer on the connection follows at once', async () => {
    const api = createHttpApi({ engine: new FakeEngine(), taskKinds: new Map(), clock: systemClock, workers: () => [], metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: METRICS }) });
    listener = await listenWs({ host: '127.0.0.1', port: 0, wsPath: '/ws', maxPayloadBytes: 1024, perMessageDeflate: false, onConnection: () => {}, onHttp: api });
    const got = await exchange(listener.port, 'HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const [head, rest] = [got.slice(0, got.indexOf('\r\n\r\n')), got.slice(got.indexOf('\r\n\r\n') + 4)];
    expect(head).toMatch(/^HTTP\/1.1 200/);
    expect(head.toLowerCase()).toContain(`content-length: ${Buffer.byteLength(METRICS)}`);
    expect(rest).toMatch(/^HTTP\/1.1 200/);
    expect(rest.endsWith(`\r\n\r\n${METRICS}`)).toBe(true);
  });
});
