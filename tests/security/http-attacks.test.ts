/**
 * Attacks on the HTTP API of a coordinator with token auth on (real
 * sockets for what a browser or curl would send; handleHttp for headers
 * fetch will not set, like Host). Every refusal must have no side effect:
 * the execution count stays 0.
 *
 * Failing before the fix: each attack is also run against the API without
 * the gate (createHttpApi alone, which is what every request reached before
 * issue 8) and succeeds there: 201 and an execution created.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../system/core/clock.js';
import { silentLogger } from '../../system/core/logger.js';
import { cryptoRandom } from '../../system/core/random.js';
import type { HttpHandler, HttpRequest } from '../../system/core/transport.js';
import { createCoordinator, createHttpApi, createToken, memoryTokenStore, type Coordinator, type TokenStore } from '../../system/coordinator/index.js';
import { openStore } from '../../system/store/index.js';
import { fileTokenStore } from '../../system/coordinator/token-file.js';
import { builtinTaskKinds } from '../../system/tasks/registry.js';
import { wsTransport } from '../../system/transport/index.js';
import { FAST_COORDINATOR } from '../integration/helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const COMMAND = JSON.stringify({ kind: 'command', params: { argv: ['sh', '-c', 'id; echo $SQUALL_SECRET'] } });

async function start(tokens: TokenStore = memoryTokenStore(), extra: Record<string, unknown> = {}): Promise<{ c: Coordinator; tok: Record<'read' | 'submit' | 'admin', string> }> {
  const tok = {} as Record<'read' | 'submit' | 'admin', string>;
  for (const scope of ['read', 'submit', 'admin'] as const) {
    const t = createToken(cryptoRandom, `t-${scope}`, scope, 0);
    tokens.add(t.record);
    tok[scope] = t.token;
  }
  const c = await createCoordinator(
    { transport: wsTransport(), clock: systemClock, random: cryptoRandom, logger: silentLogger, events: { emit: () => {} }, store: openStore({ kind: 'memory' }), taskKinds: builtinTaskKinds(), tokens },
    { ...FAST_COORDINATOR, secret: 's3cret-for-http-tests', apiAuth: 'token', ...extra },
  );
  cleanups.push(() => c.close());
  return { c, tok };
}

function req(method: string, path: string, headers: Record<string, string> = {}, body = ''): HttpRequest {
  return { method, path, query: new URLSearchParams(), headers: { host: '127.0.0.1:7070', ...headers }, body };
}

async function call(h: HttpHandler, r: HttpRequest): Promise<{ status: number; code: string | undefined }> {
  const res = await h(r);
  const b = JSON.parse(res.body) as { error?: { code: string } };
  return { status: res.status, code: b.error?.code };
}

const created = (c: Coordinator): number => (c.engine.getExecutionStats() as { total: number }).total;

/** The API as it was before the gate: what the attacks achieved then. */
function ungated(c: Coordinator): HttpHandler {
  return createHttpApi({ engine: c.engine, taskKinds: builtinTaskKinds(), clock: systemClock, workers: () => [], metrics: async () => ({ contentType: 'text/plain', body: '' }) });
}

describe('HTTP API attacks', () => {
  it('cross-site text/plain submit (CSRF, the issue\'s curl): refused with no side effect; it worked without the gate', async () => {
    const { c, tok } = await start();
    const csrf = req('POST', '/api/v1/executions', { 'content-type': 'text/plain', origin: 'https://evil.example' }, COMMAND);
    expect(await call(c.handleHttp, csrf)).toEqual({ status: 403, code: 'origin_not_allowed' });
    // Even with a token in hand the foreign Origin is refused; without the Origin, no token: 401; then the content type.
    expect(await call(c.handleHttp, { ...csrf, headers: { ...csrf.headers, authorization: `Bearer ${tok.admin}` } })).toEqual({ status: 403, code: 'origin_not_allowed' });
    expect(await call(c.handleHttp, req('POST', '/api/v1/executions', { 'content-type': 'text/plain' }, COMMAND))).toEqual({ status: 401, code: 'unauthenticated' });
    const sameSiteText = req('POST', '/api/v1/executions', { 'content-type': 'text/plain', authorization: `Bearer ${tok.admin}` }, COMMAND);
    expect(await call(c.handleHttp, sameSiteText)).toEqual({ status: 415, code: 'unsupported_media_type' });
    const form = req('POST', '/api/v1/executions/x/cancel', { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${tok.admin}` });
    expect((await call(c.handleHttp, form)).status).toBe(415);
    expect(created(c)).toBe(0);
    expect((await ungated(c)(csrf)).status).toBe(201);
    expect(created(c)).toBe(1);
  });

  it('DNS rebinding (Host: evil.example) is refused; loopback names and --allowed-hosts pass', async () => {
    const { c, tok } = await start(undefined, { allowedHosts: ['squall.internal'] });
    const auth = { authorization: `Bearer ${tok.read}` };
    expect(await call(c.handleHttp, req('GET', '/api/v1/stats', { ...auth, host: 'evil.example:7070' }))).toEqual({ status: 403, code: 'host_not_allowed' });
    for (const host of ['localhost:7070', '127.0.0.1:9', '[::1]:7070', 'squall.internal']) {
      expect((await c.handleHttp(req('GET', '/api/v1/stats', { ...auth, host }))).status).toBe(200);
    }
  });

  it.each([
    ['no token', {}, 401, 'unauthenticated'],
    ['not a bearer header', { authorization: 'Basic YWRtaW46YWRtaW4=' }, 401, 'unauthenticated'],
    ['a made-up token', { authorization: `Bearer sqt_0123456789abcdef_${'0'.repeat(64)}` }, 401, 'invalid_token'],
    ['garbage', { authorization: 'Bearer hunter2' }, 401, 'invalid_token'],
  ])('%s: refused with 401, nothing created', async (_name, headers, status, code) => {
    const { c } = await start();
    expect(await call(c.handleHttp, req('POST', '/api/v1/executions', { 'content-type': 'application/json', ...headers }, COMMAND))).toEqual({ status, code });
    expect(await call(c.handleHttp, req('GET', '/api/v1/executions', headers))).toEqual({ status, code });
    expect(created(c)).toBe(0);
  });

  it('scopes: read cannot submit or cancel, submit cannot manage tokens, admin can; 403 names the scope needed', async () => {
    const { c, tok } = await start();
    const json = { 'content-type': 'application/json' };
    const as = (t: string) => ({ ...json, authorization: `Bearer ${t}` });
    const denied = await c.handleHttp(req('POST', '/api/v1/executions', as(tok.read), COMMAND));
    expect(denied.status).toBe(403);
    expect(denied.body).toMatch(/scope read.*needs submit/);
    expect((await call(c.handleHttp, req('POST', '/api/v1/executions/x/cancel', as(tok.read)))).code).toBe('insufficient_scope');
    expect((await call(c.handleHttp, req('GET', '/api/v1/tokens', as(tok.submit)))).code).toBe('insufficient_scope');
    expect(created(c)).toBe(0);
    expect((await c.handleHttp(req('GET', '/api/v1/executions', as(tok.read)))).status).toBe(200);
    expect((await c.handleHttp(req('POST', '/api/v1/executions', as(tok.submit), JSON.stringify({ kind: 'echo', params: { value: 1 } })))).status).toBe(201);
    const list = await c.handleHttp(req('GET', '/api/v1/tokens', as(tok.admin)));
    expect(list.status).toBe(200);
    expect(list.body).not.toMatch(/hash/);
  });

  it('a revoked token is refused at the next request, also when revoked by another process through the token file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-tokens-'));
    const { c, tok } = await start(fileTokenStore(dir));
    const as = { authorization: `Bearer ${tok.submit}` };
    expect((await c.handleHttp(req('GET', '/api/v1/stats', as))).status).toBe(200);
    // `squall tokens revoke` is another process with its own view of the same file.
    const other = fileTokenStore(dir);
    const id = other.list().find((t) => t.name === 't-submit')?.id as string;
    expect(other.revoke(id, 1)).toBe(true);
    expect(await call(c.handleHttp, req('GET', '/api/v1/stats', as))).toEqual({ status: 401, code: 'token_revoked' });
    // Revoked over HTTP too, and it survives a restart of the store (a new reader of the file).
    const admin = { authorization: `Bearer ${tok.admin}`, 'content-type': 'application/json' };
    const readId = other.list().find((t) => t.name === 't-read')?.id as string;
    expect((await c.handleHttp(req('POST', `/api/v1/tokens/${readId}/revoke`, admin))).status).toBe(200);
    expect(fileTokenStore(dir).find(readId)?.revokedAt).toBeTypeOf('number');
  });

  it('/healthz is open; /metrics needs a read token unless metricsAuth is none', async () => {
    const { c, tok } = await start();
    const health = await c.handleHttp(req('GET', '/healthz'));
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ security: { apiAuth: 'token', workerAuth: true, insecure: false } });
    expect((await call(c.handleHttp, req('GET', '/metrics'))).code).toBe('unauthenticated');
    expect((await c.handleHttp(req('GET', '/metrics', { authorization: `Bearer ${tok.read}` }))).status).toBe(200);
    const open = await start(undefined, { metricsAuth: 'none' });
    expect((await open.c.handleHttp(req('GET', '/metrics'))).status).toBe(200);
  });

  it('over real HTTP: without a token 401 with a WWW-Authenticate challenge; with one, the submit goes through', async () => {
    const { c, tok } = await start();
    const body = JSON.stringify({ kind: 'echo', params: { value: 1 } });
    const anon = await fetch(`${c.httpUrl}/api/v1/executions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const ok = await fetch(`${c.httpUrl}/api/v1/executions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tok.submit}` }, body });
    expect(ok.status).toBe(201);
  });
});

describe('secure by default', () => {
  const deps = () => ({ transport: wsTransport(), clock: systemClock, random: cryptoRandom, logger: silentLogger, events: { emit: () => {} }, store: openStore({ kind: 'memory' }), taskKinds: builtinTaskKinds() });

  it('refuses a non-loopback address without secret + tokens, naming what is missing', async () => {
    await expect(createCoordinator(deps(), { ...FAST_COORDINATOR, host: '0.0.0.0' })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without authentication.*no shared secret.*needs no token.*--insecure/);
    await expect(createCoordinator(deps(), { ...FAST_COORDINATOR, host: '0.0.0.0', secret: 'x1234567' })).rejects.toThrow(/needs no token/);
  });

  it('with insecure it starts, warns and says so in /healthz', async () => {
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (_o: unknown, m?: string) => void warnings.push(String(m)), child: () => logger };
    const c = await createCoordinator({ ...deps(), logger }, { ...FAST_COORDINATOR, host: '0.0.0.0', insecure: true });
    cleanups.push(() => c.close());
    expect(warnings.some((w) => w.startsWith('INSECURE'))).toBe(true);
    const health = JSON.parse((await c.handleHttp(req('GET', '/healthz'))).body) as { security: { insecure: boolean; warnings: string[] } };
    expect(health.security.insecure).toBe(true);
    expect(health.security.warnings).toHaveLength(2);
  });
});
