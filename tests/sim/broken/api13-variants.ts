/**
 * Broken variants of HTTP-observable fields and answers (blind set 13 #19,
 * #23, #24, #27, #30), injected around the coordinator's HTTP handler
 * (SimWiring.wrapHttp), never a patch.
 */
import type { HttpHandler } from '../../../system/core/index.js';
import { SIM_EPOCH_MS } from '../../../harness/sim/virtual-time.js';

const DAY = 86_400_000;

/** #19: GET /api/v1/workers shows each worker's lastSeenAt as when it connected (never updated on traffic). */
export function lastSeenAtConnect(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    if (req.method !== 'GET' || req.path !== '/api/v1/workers' || res.status !== 200) return res;
    const b = JSON.parse(res.body) as { workers: { connectedAt: number | null; lastSeenAt: number | null }[] };
    return { ...res, body: JSON.stringify({ ...b, workers: b.workers.map((w) => ({ ...w, lastSeenAt: w.connectedAt })) }) };
  };
}

/** #23: a revoke of an id no token has answered 200 {id, revokedAt}. */
export function unknownRevokeOk(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    const m = /^\/api\/v1\/tokens\/([^/]+)\/revoke$/.exec(req.path);
    if (m === null || res.status !== 404) return res;
    return { ...res, status: 200, body: JSON.stringify({ id: m[1], revokedAt: 0 }) };
  };
}

/** #24: the scheduledAt horizon checked against 30 days: a submission dated further ahead (than the run's start) is refused 400. */
export function horizonThirtyDays(handle: HttpHandler): HttpHandler {
  return (req) => {
    const at = Number(/"scheduledAt":(\d+)/.exec(req.body)?.[1] ?? NaN);
    if (req.method !== 'POST' || !(at - SIM_EPOCH_MS > 30 * DAY)) return handle(req);
    const body = JSON.stringify({ error: { code: 'invalid_argument', message: `scheduledAt is ${Math.round((at - SIM_EPOCH_MS) / DAY)} days ahead; at most 366 days ahead is accepted`, path: 'scheduledAt' } });
    return Promise.resolve({ status: 400, headers: { 'content-type': 'application/json; charset=utf-8' }, body });
  };
}

/** #27: the cancel route validates {reason} but does not pass it on. */
export function cancelReasonDropped(handle: HttpHandler): HttpHandler {
  return (req) => handle(/\/cancel$/.test(req.path) ? { ...req, body: '' } : req);
}

/** #30: /ui/graph/:id edges as [dependent, dependency]. */
export function graphEdgesReversed(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    if (!req.path.startsWith('/ui/graph/') || res.status !== 200) return res;
    const b = JSON.parse(res.body) as { edges: [string, string][] };
    return { ...res, body: JSON.stringify({ ...b, edges: b.edges.map(([a, d]) => [d, a]) }) };
  };
}
