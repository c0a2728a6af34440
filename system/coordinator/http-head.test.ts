/**
 * HEAD wherever GET is served (RFC 9110 9.3.2): the GET's status and
 * headers, Content-Length of the GET body in UTF-8 bytes, no body; a 405
 * names HEAD beside GET. Through the API (createHttpApi), the token routes
 * and the dashboard, each behind serveHead as securedHttp puts them.
 */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.js';
import { seededRandom } from '../core/random.js';
import type { HttpHandler, HttpRequest, HttpResponse } from '../core/transport.js';
import { createHttpApi } from './http-api.js';
import { headOf, serveHead, withHead } from './http-head.js';
import { methodNotAllowed } from './http-router.js';
import { FakeEngine } from './testing.js';
import { memoryTokenStore } from './tokens.js';
import { tokensApi } from './tokens-api.js';
import { createUiHandler } from './ui/ui-handler.js';

const req = (method: string, path: string, headers: Record<string, string> = {}): HttpRequest => ({ method, path, query: new URLSearchParams(), headers, body: '' });

const api = createHttpApi({
  engine: new FakeEngine(),
  taskKinds: new Map(),
  clock: systemClock,
  workers: () => [],
  metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'squall_büß 1\n' }),
});

async function sameButBody(handler: HttpHandler, path: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
  const get = await handler(req('GET', path, headers));
  const head = await handler(req('HEAD', path, headers));
  expect(head.body).toBe('');
  expect(head.status).toBe(get.status);
  expect(head.headers).toEqual({ ...get.headers, 'content-length': String(Buffer.byteLength(get.body, 'utf8')) });
  return head;
}

describe('HEAD is GET without the body', () => {
  it('on every GET route of the API, found or not, with the GET body length in UTF-8 bytes', async () => {
    for (const path of ['/api/v1/executions', '/api/v1/executions/ex_404', '/api/v1/stats', '/api/v1/workers', '/healthz', '/readyz', '/metrics', '/nowhere']) {
      const head = await sameButBody(api, path);
      if (path === '/metrics') expect(head.headers?.['content-length']).toBe(String('squall_büß 1\n'.length + 2));
    }
  });

  it('a route without GET still refuses HEAD, and every 405 names HEAD beside GET', async () => {
    const post = await api(req('HEAD', '/api/v1/graphs'));
    expect([post.status, post.headers?.allow, post.body]).toEqual([405, 'POST', '']);
    const put = await api(req('PUT', '/api/v1/executions'));
    expect([put.status, put.headers?.allow]).toEqual([405, 'POST, GET, HEAD']);
    expect((await api(req('DELETE', '/api/v1/stats'))).headers?.allow).toBe('GET, HEAD');
    expect(withHead(['GET', 'POST', 'GET'])).toBe('GET, HEAD, POST');
  });

  it('the token list: same gate answer for HEAD as for GET, 405 Allow GET, HEAD, POST', async () => {
    const tokens = serveHead(tokensApi(api, { tokens: memoryTokenStore([]), random: seededRandom(1), clock: systemClock }));
    await sameButBody(tokens, '/api/v1/tokens');
    expect((await tokens(req('DELETE', '/api/v1/tokens'))).headers?.allow).toBe('GET, HEAD, POST');
  });

  it('the dashboard: the page, a missing asset, a refused graph read; the event stream answers its head and ends', async () => {
    const ui = createUiHandler({ clock: systemClock, engine: { getExecution: () => undefined, dependentsOf: () => [], getExecutionStats: () => ({}) } as never, workers: () => [], authorize: (r) => (r.headers.authorization === 'Bearer ok' ? undefined : { status: 401, body: '{"error":{"code":"auth_failed"}}' }) });
    const handler = serveHead(async (r) => (await ui.handle(r)) ?? { status: 404, body: '' });
    for (const path of ['/ui', '/ui/assets/nope.js', '/ui/graph/x']) await sameButBody(handler, path);
    await sameButBody(handler, '/ui/graph/x', { authorization: 'Bearer ok' });
    const head = await handler(req('HEAD', '/ui/events', { authorization: 'Bearer ok' }));
    let ended = false;
    head.stream?.start({ write: () => true, end: () => void (ended = true), onClose: () => undefined });
    expect([head.status, head.body, ended, head.headers?.['content-type']]).toEqual([200, '', true, 'text/event-stream; charset=utf-8']);
    expect(ui.hub.size).toBe(0);
    expect((await handler(req('POST', '/ui'))).headers?.allow).toBe('GET, HEAD');
    ui.close();
  });

  it('every 405 (API, token routes, dashboard) is the one answer: JSON error naming method, path and allowed methods, Allow from the table', async () => {
    const tokens = tokensApi(api, { tokens: memoryTokenStore([]), random: seededRandom(1), clock: systemClock });
    const ui = createUiHandler({ clock: systemClock, engine: {} as never, workers: () => [] });
    const cases: [HttpHandler, string, string, string][] = [
      [api, 'PUT', '/api/v1/executions', 'POST, GET, HEAD'],
      [tokens, 'DELETE', '/api/v1/tokens', 'GET, HEAD, POST'],
      [tokens, 'GET', '/api/v1/tokens/tok_1/revoke', 'POST'],
      [async (r) => (await ui.handle(r)) ?? { status: 404, body: '' }, 'POST', '/ui/graph/x', 'GET, HEAD'],
    ];
    for (const [handler, method, path, allow] of cases) {
      const res = await handler(req(method, path));
      expect([res.status, res.headers?.allow, res.headers?.['content-type']]).toEqual([405, allow, 'application/json; charset=utf-8']);
      expect(JSON.parse(res.body)).toEqual({ error: { code: 'method_not_allowed', message: `${method} is not allowed on ${path}; allowed: ${allow}`, path: '' } });
      expect(res.body).toBe(methodNotAllowed(method, path, allow).body);
    }
    ui.close();
  });

  it('headOf keeps a GET answer without headers', () => {
    expect(headOf({ status: 204, body: '' })).toEqual({ status: 204, headers: { 'content-length': '0' }, body: '' });
  });
});
