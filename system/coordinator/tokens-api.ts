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
import { serveRoutes, type Route } from './http-router.js';
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

type TokensDeps = { tokens: TokenStore; random: Random; clock: Clock };

function create(body: string, deps: TokensDeps): HttpResponse {
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

/** The token routes, resolved by the API's compiled router (its 405s and their Allow come from this table). */
function tokenRoutes(deps: TokensDeps): Route[] {
  return [
    { method: 'GET', path: '/api/v1/tokens', handle: () => json(200, { tokens: deps.tokens.list().map(publicToken) }) },
    { method: 'POST', path: '/api/v1/tokens', handle: (req) => create(req.body, deps) },
    {
      method: 'POST',
      path: '/api/v1/tokens/:id/revoke',
      handle: (_req, p) => {
        const id = p.id ?? '';
        const at = deps.clock.now();
        if (!deps.tokens.revoke(id, at)) return fail(404, 'not_found', `no token with id "${id.slice(0, 50)}"`);
        return json(200, { id, revokedAt: deps.tokens.find(id)?.revokedAt ?? at });
      },
    },
  ];
}

/** Serves /api/v1/tokens in front of `next` (any path the token routes do not know). */
export function tokensApi(next: HttpHandler, deps: TokensDeps): HttpHandler {
  return serveRoutes(tokenRoutes(deps), { normalize: (path) => path.replace(/\/+$/, ''), none: (req) => next(req) });
}
