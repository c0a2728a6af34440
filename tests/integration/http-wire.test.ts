/**
 * The simulation's stand-in for node's parser and socket (harness/sim/
 * http-wire.ts) agrees with the real server (system/transport/ws-server.ts)
 * on the requests real clients send: where node's header cap falls (target,
 * names and values counted; a request reaching it is 431), an unknown method
 * (405), header names in any case (lower-cased), and the peer: each
 * connection has a source port of its own, and the handler is given the
 * same remoteAddress for all of them (the quota keys clients by address).
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpRequest, Listener } from '../../system/core/transport.js';
import { listenWs } from '../../system/transport/ws-server.js';
import { httpRequestOf } from '../../system/transport/index.js';
import { asParsed, parserError, parserRefusal, type WireRequest } from '../../harness/sim/http-wire.js';

let listener: Listener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

async function start(seen: HttpRequest[]): Promise<Listener> {
  listener = await listenWs({
    host: '127.0.0.1',
    port: 0,
    wsPath: '/ws',
    maxPayloadBytes: 1024,
    perMessageDeflate: false,
    onConnection: () => {},
    onHttp: async (req) => (seen.push(req), { status: 200, headers: {}, body: 'ok' }),
  });
  return listener;
}

/** One request on a connection of its own (as curl sends it); resolves to the answer's status and whether node's parser refused it. */
function raw(port: number, request: string): Promise<{ status: number; byParser: boolean }> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('error', () => resolve({ status: 0, byParser: false }));
    s.on('close', () => resolve({ status: Number(/^HTTP\/1.1 (\d+)/.exec(got)?.[1] ?? 0), byParser: got.includes(PARSER_SAYS) }));
    s.write(request);
  });
}

/** What the parser-error answer to an overflow says (http-limits.ts), unlike the server's own 16 KiB limit. */
const PARSER_SAYS = 'request line and headers exceed';

/** The request both ways: as raw bytes for the real server, as a WireRequest for the stand-in. */
function request(method: string, target: string, headers: Record<string, string>): { bytes: string; wire: WireRequest } {
  const q = target.indexOf('?');
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const wire = { method, path: q < 0 ? target : target.slice(0, q), query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)), headers, body: '', peer: { address: '::ffff:10.0.0.2', port: 50000 } };
  return { bytes: `${method} ${target} HTTP/1.1\r\n${lines}Connection: close\r\n\r\n`, wire };
}

const simStatus = (wire: WireRequest): number => {
  const code = parserError(wire);
  return code === undefined ? 200 : parserRefusal(code).status;
};

describe("the simulation's HTTP wire agrees with node's parser and the real server", () => {
  it('node refuses headers reaching its cap (target, names and values counted) 431 in both; one byte under reaches the handler', async () => {
    const l = await start([]);
    // 'Connection' + 'close' (15 bytes) are in the raw request but not in the stand-in's headers: counted into the padding.
    for (const [target, total] of [['/x', 64 * 1024 - 1], ['/x', 64 * 1024], [`/${'u'.repeat(20_000)}?q=1`, 64 * 1024 - 1], [`/${'u'.repeat(20_000)}?q=1`, 64 * 1024]] as const) {
      const fixed = Buffer.byteLength(target) + 'Host'.length + 1 + 'X-Pad'.length + 'Connection'.length + 'close'.length;
      const { bytes, wire } = request('GET', target, { Host: 'x', 'X-Pad': 'p'.repeat(total - fixed) });
      wire.headers = { ...wire.headers, Connection: 'close' };
      const real = await raw(l.port, bytes);
      // The server's own limits (16 KiB of headers 431, 8 KiB of target 414) answer after node parsed the request: only node's cap is compared here.
      expect([414, 431]).toContain(real.status);
      expect(real.byParser, `total ${total}, target ${target.length} bytes`).toBe(total >= 64 * 1024);
      expect(parserError(wire) === 'HPE_HEADER_OVERFLOW').toBe(total >= 64 * 1024);
      if (real.byParser) expect([real.status, parserRefusal('HPE_HEADER_OVERFLOW').body]).toEqual([431, expect.stringContaining(PARSER_SAYS)]);
    }
  });

  it('an unknown or lower-case method is 405 in both; a known one reaches the handler', async () => {
    const l = await start([]);
    for (const method of ['FROB', 'get', 'GET', 'OPTIONS']) {
      const { bytes, wire } = request(method, '/x', { Host: 'x' });
      const real = await raw(l.port, bytes);
      expect(real.status === 405, method).toBe(simStatus(wire) === 405);
    }
  });

  it("the handler's request: names lower-cased, the scheme as sent, one remoteAddress for every connection (no port)", async () => {
    const seen: HttpRequest[] = [];
    const l = await start(seen);
    const headers = { Host: 'x', Authorization: 'bearer sqt_a_b', 'X-Squall-Client': 'ci' };
    await raw(l.port, request('GET', '/api/v1/stats?limit=2', headers).bytes);
    await raw(l.port, request('GET', '/api/v1/stats?limit=2', headers).bytes);
    const sim = [50001, 50002].map((port) => httpRequestOf(asParsed({ ...request('GET', '/api/v1/stats?limit=2', headers).wire, peer: { address: '127.0.0.1', port } }), ''));
    for (const got of [...seen, ...sim]) {
      expect(got.headers.authorization).toBe('bearer sqt_a_b');
      expect(got.headers['x-squall-client']).toBe('ci');
      expect(got.path).toBe('/api/v1/stats');
      expect(got.query.get('limit')).toBe('2');
      expect(got.remoteAddress).toBe('127.0.0.1');
    }
  });
});
