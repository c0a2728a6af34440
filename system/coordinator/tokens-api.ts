/**
 * Token administration over HTTP (admin scope, enforced by the gate):
 *   GET  /api/v1/tokens              → {tokens: [{id, name, scope, createdAt, revokedAt}]} (never hashes)
 *   POST /api/v1/tokens {name, scope} → 201 {token, id, name, scope}: the token is shown once
 *   POST /api/v1/tokens/:id/revoke   → 200 {id, revokedAt}
 * Everything else goes to the wrapped handler. `squall tokens` does the same
 * on the data dir directly (works while the coordinator is down).
 */
import type { Clock } from '../core/clock.js';
import { SquallError } from '../core/errors.js';
import type { Random } from '../core/random.js';
import type { HttpHandler, HttpResponse } from '../core/transport.js';
import { createToken, parseScope, type TokenRecord, type TokenStore } from './tokens.js';

function json(status: number, body: unknown): HttpResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

function fail(status: number, code: string, message: string, path = ''): HttpResponse {
  return json(status, { error: { code, message, path } });
}

/** A token record as shown to people: no hash. */
export function publicToken(t: TokenRecord): Record<string, unknown> {
  return { id: t.id, name: t.name, scope: t.scope, createdAt: t.createdAt, revokedAt: t.revokedAt ?? null };
}

function create(body: string, deps: { tokens: TokenStore; random: Random; clock: Clock }): HttpResponse {
  let v: unknown;
  try {
    v = JSON.parse(body === '' ? '{}' : body) as unknown;
  } catch (err) {
    return fail(400, 'malformed', `request body is not valid JSON: ${(err as Error).message}`);
  }
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  if (typeof o.name !== 'string') return fail(400, 'invalid_argument', 'name must be a string (1 to 100 characters)', 'name');
  if (typeof o.scope !== 'string') return fail(400, 'invalid_argument', 'scope must be one of read, submit, admin', 'scope');
  try {
    const { token, record } = createToken(deps.random, o.name, parseScope(o.scope), deps.clock.now());
    deps.tokens.add(record);
    return json(201, { token, ...publicToken(record) });
  } catch (err) {
    if (err instanceof SquallError) return fail(400, err.code, err.message, err.path ?? '');
    throw err;
  }
}

/** Serves /api/v1/tokens in front of `next`. */
export function tokensApi(next: HttpHandler, deps: { tokens: TokenStore; random: Random; clock: Clock }): HttpHandler {
  return async (req) => {
    const path = req.path.replace(/\/+$/, '');
    if (path === '/api/v1/tokens') {
      if (req.method === 'GET') return json(200, { tokens: deps.tokens.list().map(publicToken) });
      if (req.method === 'POST') return create(req.body, deps);
      return { ...fail(405, 'method_not_allowed', `${req.method} is not allowed on ${path}; allowed: GET, HEAD, POST`), headers: { 'content-type': 'application/json; charset=utf-8', allow: 'GET, HEAD, POST' } };
    }
    const m = /^\/api\/v1\/tokens\/([^/]+)\/revoke$/.exec(path);
    if (m !== null) {
      if (req.method !== 'POST') return { ...fail(405, 'method_not_allowed', `${req.method} is not allowed on ${path}; allowed: POST`), headers: { 'content-type': 'application/json; charset=utf-8', allow: 'POST' } };
      const id = m[1] as string;
      const at = deps.clock.now();
      if (!deps.tokens.revoke(id, at)) return fail(404, 'not_found', `no token with id "${id.slice(0, 50)}"`);
      return json(200, { id, revokedAt: deps.tokens.find(id)?.revokedAt ?? at });
    }
    return next(req);
  };
}
