/**
 * Broken variants of the dashboard's endpoints (blind set 16 #10, #24),
 * injected around the coordinator's HTTP handler (SimWiring.wrapHttp),
 * never a patch: tests/sim/broken-ui16.test.ts.
 */
import type { HttpHandler, HttpRequest } from '../../../system/core/index.js';

/** The dashboard's security headers (system/coordinator/ui/ui-handler.ts UI_HEADERS), by name. */
const SECURITY = ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'cache-control'];

/** #24: the page and its assets served without the security headers (framable, sniffable, cached). */
export function uiAssetsWithoutHeaders(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    const asset = req.path === '/ui' || req.path === '/ui/' || req.path.startsWith('/ui/assets/');
    if (!asset || res.status !== 200) return res;
    return { ...res, headers: Object.fromEntries(Object.entries(res.headers ?? {}).filter(([k]) => !SECURITY.includes(k.toLowerCase()))) };
  };
}

/**
 * #10: GET /ui/graph/:id grows the dependents side only with executions ALL
 * of whose dependencies are shown: each node outside the execution's
 * upstream that waits on one not shown is dropped, with its edges, until
 * none is left (the dependencies read through the same handler, GET
 * /api/v1/executions/:id with the request's token).
 */
export function graphJoinsDropped(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    if (!req.path.startsWith('/ui/graph/') || res.status !== 200) return res;
    const b = JSON.parse(res.body) as { nodes: { id: string }[]; edges: [string, string][] };
    const depsOf = async (id: string): Promise<string[]> => {
      const r = await handle({ ...req, path: `/api/v1/executions/${encodeURIComponent(id)}`, query: new URLSearchParams() } satisfies HttpRequest);
      return r.status === 200 ? ((JSON.parse(r.body) as { dependencies?: string[] }).dependencies ?? []) : [];
    };
    const deps = new Map<string, string[]>();
    for (const n of b.nodes) deps.set(n.id, await depsOf(n.id));
    const root = decodeURIComponent(req.path.slice('/ui/graph/'.length));
    const upstream = new Set([root]);
    for (const queue = [root]; queue.length > 0; ) {
      for (const d of deps.get(queue.shift()!) ?? []) {
        if (!deps.has(d) || upstream.has(d)) continue;
        upstream.add(d);
        queue.push(d);
      }
    }
    const kept = new Set(deps.keys());
    for (let shrank = true; shrank; ) {
      shrank = false;
      for (const id of kept) {
        if (upstream.has(id) || (deps.get(id) ?? []).every((d) => kept.has(d))) continue;
        kept.delete(id);
        shrank = true;
      }
    }
    return { ...res, body: JSON.stringify({ ...b, nodes: b.nodes.filter((n) => kept.has(n.id)), edges: b.edges.filter(([a, d]) => kept.has(a) && kept.has(d)) }) };
  };
}
