/**
 * The HTTP API's route table: patterns such as `/api/v1/executions/:id` are
 * split once, when the table is built (every request used to split every
 * pattern again), and a request's path once. Literal routes win over
 * parameterised ones (batch before :id; another method on a literal path is its 405,
 * not a parameterised route's hit); an unknown route is a 404, a known
 * path with the wrong method a 405 naming the allowed methods (HEAD beside
 * GET: the API answers HEAD through its GET routes, http-head.ts). Every
 * 405 of the coordinator (API, token routes, dashboard) is methodNotAllowed's.
 */
import type { HttpHandler, HttpRequest, HttpResponse } from '../core/transport.js';
import { withHead } from './http-head.js';

export type Params = Record<string, string>;
export interface Route {
  method: 'GET' | 'POST';
  path: string;
  handle(req: HttpRequest, params: Params): Promise<HttpResponse> | HttpResponse;
}

/** A route with its pattern split: per segment, the parameter's name, or null for a literal segment. */
interface Compiled {
  r: Route;
  segs: string[];
  names: (string | null)[];
  literal: boolean;
}

/** What a request's method and path resolve to. */
export type Resolved = { kind: 'hit'; route: Route; params: Params } | { kind: 'none' } | { kind: 'method'; allow: string };

function compile(r: Route): Compiled {
  const segs = r.path.split('/');
  return { r, segs, names: segs.map((s) => (s.startsWith(':') ? s.slice(1) : null)), literal: !r.path.includes(':') };
}

function match(c: Compiled, xs: readonly string[]): Params | undefined {
  if (c.segs.length !== xs.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < xs.length; i++) {
    const name = c.names[i];
    const x = xs[i] as string;
    if (name !== null && name !== undefined) {
      if (x === '') return undefined;
      try {
        params[name] = decodeURIComponent(x);
      } catch {
        return undefined;
      }
    } else if (c.segs[i] !== x) return undefined;
  }
  return params;
}

/** The table's resolver: literal routes first, each pattern compiled once. */
export function router(routes: Route[]): (method: string, path: string) => Resolved {
  const table = routes.map(compile).sort((a, b) => Number(!a.literal) - Number(!b.literal));
  return (method, path) => {
    const xs = path.split('/');
    const matching: { c: Compiled; params: Params }[] = [];
    for (const c of table) {
      const params = match(c, xs);
      if (params !== undefined) matching.push({ c, params });
    }
    if (matching.length === 0) return { kind: 'none' };
    const literal = matching.filter((m) => m.c.literal);
    // A literal path (/executions/batch) is its own resource: another method on it is 405, never a read of an execution named "batch".
    const candidates = literal.length > 0 ? literal : matching;
    const hit = candidates.find((m) => m.c.r.method === method);
    if (hit === undefined) return { kind: 'method', allow: withHead(candidates.map((m) => m.c.r.method)) };
    return { kind: 'hit', route: hit.c.r, params: hit.params };
  };
}

/** The one 405 answer (API, token routes, dashboard): the JSON error body of every API error, naming the method refused, where, and what is allowed there; Allow lists the same. */
export function methodNotAllowed(method: string, path: string, allow: string): HttpResponse {
  const message = `${method} is not allowed on ${path.slice(0, 200)}; allowed: ${allow}`;
  return { status: 405, headers: { 'content-type': 'application/json; charset=utf-8', allow }, body: JSON.stringify({ error: { code: 'method_not_allowed', message, path: '' } }) };
}

/** What a routed handler does besides its table: the path as the table reads it, the answer for a path no route has, and (optional) a thrown error's answer. */
interface Dispatch {
  normalize(path: string): string;
  none(req: HttpRequest, path: string): Promise<HttpResponse> | HttpResponse;
  error?(err: unknown): HttpResponse;
}

/** A handler over a route table: a hit is its route's answer, a known path with another method the 405 (Allow from the table), any other path `none`'s. */
export function serveRoutes(routes: Route[], d: Dispatch): HttpHandler {
  const resolve = router(routes);
  return async (req) => {
    const path = d.normalize(req.path);
    const r = resolve(req.method, path);
    if (r.kind === 'none') return d.none(req, path);
    if (r.kind === 'method') return methodNotAllowed(req.method, path, r.allow);
    if (d.error === undefined) return r.route.handle(req, r.params);
    try {
      return await r.route.handle(req, r.params);
    } catch (err) {
      return d.error(err);
    }
  };
}
