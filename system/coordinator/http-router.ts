/**
 * The HTTP API's route table: patterns such as `/api/v1/executions/:id` are
 * split once, when the table is built (every request used to split every
 * pattern again), and a request's path once. Literal routes win over
 * parameterised ones (batch before :id; another method on a literal path is its 405,
 * not a parameterised route's hit); an unknown route is a 404, a known
 * path with the wrong method a 405 naming the allowed methods (HEAD beside
 * GET: the API answers HEAD through its GET routes, http-head.ts).
 */
import type { HttpRequest, HttpResponse } from '../core/transport.js';
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
