/**
 * The simulated exchange's model of node's HTTP framing (cli-wire.ts)
 * against node itself: the header values node's client refuses are the ones
 * the model refuses, and a body is handed on whole, cut or stalled by its
 * content-length against its UTF-8 bytes.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { CliHttpRequest } from '../../system/cli/index.js';
import { refusedHeaders, serverHeaders, wireBody } from './cli-wire.js';

/** Whether node's http.request throws ERR_INVALID_CHAR for this authorization value (nothing is sent: the request is destroyed at once). */
function nodeRefuses(value: string): boolean {
  try {
    const req = request('http://127.0.0.1:9/', { headers: { authorization: value } });
    req.on('error', () => {});
    req.destroy();
    return false;
  } catch (err) {
    return (err as { code?: unknown }).code === 'ERR_INVALID_CHAR';
  }
}

describe('cli-wire: node\'s HTTP framing, as the simulated CLI exchange applies it', () => {
  it('refuses exactly the header values node\'s client refuses (CR, LF, controls, beyond Latin-1)', () => {
    const values = ['Bearer tok', 'Bearer tok\n', 'Bearer tok\r\n', 'Bearer té', 'Bearer t✓', 'Bearer \x01tok', 'Bearer\ttok', 'Bearer tok '];
    const refused = values.map((v) => refusedHeaders({ authorization: v }).length > 0);
    expect(refused).toEqual(values.map(nodeRefuses));
    expect(refused).toEqual([false, true, true, false, true, true, false, false]);
  });

  it('hands on a body whole when content-length counts its UTF-8 bytes, cut when it counts fewer, and stalls when more', () => {
    const text = JSON.stringify({ value: 'héllo ✓' });
    const body = Buffer.from(text, 'utf8');
    const req = (length: number | undefined): CliHttpRequest => ({ url: new URL('http://c/api/v1/executions'), method: 'POST', headers: length === undefined ? {} : { 'content-length': String(length) }, body });
    expect(wireBody(req(body.length))).toEqual({ kind: 'whole', body: text });
    expect(wireBody(req(undefined))).toEqual({ kind: 'whole', body: text });
    expect(wireBody(req(text.length))).toEqual({ kind: 'cut', body: body.subarray(0, text.length).toString('utf8') });
    expect(wireBody(req(body.length + 1))).toEqual({ kind: 'stalled' });
    expect(serverHeaders({ authorization: ' Bearer tok \t' })).toEqual({ authorization: 'Bearer tok' });
  });
});
