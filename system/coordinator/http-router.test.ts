/**
 * The compiled route table resolves exactly as the per-request matcher it
 * replaced (the reference below: every pattern split for every request; a
 * literal path is its own resource, so another method on it is its 405), on
 * random paths built from the routes' own segments, parameters, encodings
 * and empty segments. Fixed seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { router, type Params, type Resolved, type Route } from './http-router.js';

const PATTERNS: [Route['method'], string][] = [
  ['POST', '/api/v1/executions'],
  ['GET', '/api/v1/executions'],
  ['GET', '/api/v1/executions/:id'],
  ['POST', '/api/v1/executions/batch'], // after :id here: the table must still put it first
  ['POST', '/api/v1/executions/:id/cancel'],
  ['GET', '/api/v1/executions/:id/attempts'],
  ['GET', '/api/v1/graphs/:graph/nodes/:node'],
  ['GET', '/healthz'],
];
const routes: Route[] = PATTERNS.map(([method, path]) => ({ method, path, handle: () => ({ status: 200, headers: {}, body: '' }) }));

function refMatch(pattern: string, path: string): Params | undefined {
  const ps = pattern.split('/');
  const xs = path.split('/');
  if (ps.length !== xs.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i] as string;
    const x = xs[i] as string;
    if (p.startsWith(':')) {
      if (x === '') return undefined;
      try {
        params[p.slice(1)] = decodeURIComponent(x);
      } catch {
        return undefined;
      }
    } else if (p !== x) return undefined;
  }
  return params;
}

function reference(method: string, path: string): Resolved {
  const table = [...routes].sort((a, b) => Number(a.path.includes(':')) - Number(b.path.includes(':')));
  const matching = table.map((r) => ({ r, params: refMatch(r.path, path) })).filter((m) => m.params !== undefined);
  if (matching.length === 0) return { kind: 'none' };
  const literal = matching.filter((m) => !m.r.path.includes(':'));
  const candidates = literal.length > 0 ? literal : matching;
  const hit = candidates.find((m) => m.r.method === method);
  if (hit === undefined) return { kind: 'method', allow: [...new Set(candidates.flatMap((m) => (m.r.method === 'GET' ? ['GET', 'HEAD'] : [m.r.method])))].join(', ') };
  return { kind: 'hit', route: hit.r, params: hit.params ?? {} };
}

const segment = fc.constantFrom('api', 'v1', 'executions', 'batch', 'cancel', 'attempts', 'graphs', 'nodes', 'healthz', 'ex_1', '', '%41b', '%E0%A4%A', 'a%2Fb', ':id');
const path = fc.array(segment, { minLength: 0, maxLength: 7 }).map((xs) => `/${xs.join('/')}`);

describe('http router', () => {
  it('resolves as the per-request matcher did (hit and params, 404, 405 with its allow list)', () => {
    const resolve = router(routes);
    fc.assert(
      fc.property(fc.constantFrom('GET', 'POST', 'PUT'), fc.oneof(path, fc.constantFrom(...PATTERNS.map(([, p]) => p.replace(/:[a-z]+/g, 'x%20y')))), (method, p) => {
        expect(resolve(method, p)).toEqual(reference(method, p));
      }),
      { numRuns: 3000, seed: 35 },
    );
  });

  it('literal before parameterised, 405 names the methods, bad escapes are no match', () => {
    const resolve = router(routes);
    expect(resolve('POST', '/api/v1/executions/batch')).toMatchObject({ kind: 'hit', route: { path: '/api/v1/executions/batch' }, params: {} });
    expect(resolve('GET', '/api/v1/executions/batch')).toEqual({ kind: 'method', allow: 'POST' });
    expect(resolve('GET', '/api/v1/executions/ex_1')).toMatchObject({ kind: 'hit', route: { path: '/api/v1/executions/:id' }, params: { id: 'ex_1' } });
    expect(resolve('PUT', '/api/v1/executions')).toEqual({ kind: 'method', allow: 'POST, GET, HEAD' });
    expect(resolve('PUT', '/api/v1/executions/batch')).toEqual({ kind: 'method', allow: 'POST' });
    expect(resolve('GET', '/api/v1/executions/%E0%A4%A')).toEqual({ kind: 'none' });
    expect(resolve('GET', '/api/v1/executions/')).toEqual({ kind: 'none' });
    expect(resolve('GET', '/api/v1/graphs/g%201/nodes/n')).toMatchObject({ kind: 'hit', params: { graph: 'g 1', node: 'n' } });
  });
});
