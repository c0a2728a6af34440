import { EventEmitter } from 'node:events';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Listener } from '../core/transport.js';
import { wsTransport } from './index.js';
import { MAX_HTTP_BODY_BYTES, readBody, type BodySource } from './ws-server.js';

const held = (chunks: Buffer[]): number => chunks.reduce((n, c) => n + c.length, 0);

describe('readBody: the size limit bounds what a body holds, and its answer comes at the limit', () => {
  it('answers too_large at the chunk that passes the limit, and keeps nothing of the rest', async () => {
    const source = new EventEmitter();
    const chunks: Buffer[] = [];
    let answer: string | undefined;
    void readBody(source as BodySource, 100, chunks).then((a) => (answer = a));
    let peak = 0;
    for (let i = 0; i < 50; i++) {
      source.emit('data', Buffer.alloc(30, 0x61));
      peak = Math.max(peak, held(chunks));
      await Promise.resolve();
      if (i === 2) expect(answer).toBeUndefined();
      if (i === 3) expect(answer).toBe('too_large');
    }
    expect(peak).toBe(90);
    expect(held(chunks)).toBeLessThanOrEqual(100);
    source.emit('end');
  });

  it('reads a body of exactly the limit whole, decoded once', async () => {
    const source = new EventEmitter();
    const read = readBody(source as BodySource, 4);
    const bytes = Buffer.from('é€', 'utf8').subarray(0, 4);
    source.emit('data', bytes.subarray(0, 1));
    source.emit('data', bytes.subarray(1));
    source.emit('end');
    expect(await read).toBe(bytes.toString('utf8'));
  });
});

describe('the real server answers a body past the limit while the client still sends it', () => {
  let l: Listener | undefined;
  afterEach(async () => l?.close());

  it('413 comes back before an 8 MiB upload ends', async () => {
    l = await wsTransport().listen({ port: 0, host: '127.0.0.1', wsPath: '/ws', maxPayloadBytes: 1024, perMessageDeflate: false, onConnection: () => undefined, onHttp: () => Promise.resolve({ status: 200, headers: {}, body: 'ok' }) });
    const port = l.port;
    const { status, sentWhenAnswered } = await new Promise<{ status: number; sentWhenAnswered: number }>((resolve, reject) => {
      let sent = 0;
      let done = false;
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/executions', headers: { 'content-type': 'application/json' } }, (res) => {
        done = true;
        resolve({ status: res.statusCode ?? 0, sentWhenAnswered: sent });
        res.resume();
        req.destroy();
      });
      req.on('error', (err) => (done ? undefined : reject(err)));
      const chunk = Buffer.alloc(64 * 1024, 0x78);
      const pump = (): void => {
        while (!done && sent < 8 * MAX_HTTP_BODY_BYTES) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!done) req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(sentWhenAnswered).toBeLessThan(8 * MAX_HTTP_BODY_BYTES);
  });
});
