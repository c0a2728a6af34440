/**
 * Broken variants of blind set 15's HTTP and /metrics contract misses (#13,
 * #26), injected through the simulation's seams, never a patch
 * (tests/sim/broken-http15.test.ts; #14 is a coordinator policy,
 * api-variants.ts statusOf).
 */
import type { HttpHandler } from '../../../system/core/index.js';

/** #13: squall_breaker_state exports open as 1 and half-open as 2 (swapped against its help text). */
export function breakerStatesSwapped(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    if (req.method !== 'GET' || req.path !== '/metrics' || res.status !== 200) return res;
    const swapped = res.body.replace(/^(squall_breaker_state\{[^}]*\}) ([12])$/gm, (_l, series: string, v: string) => `${series} ${v === '1' ? 2 : 1}`);
    return { ...res, body: swapped };
  };
}

/** #26: the header size counted over names only (each value emptied before the real check). */
export function namesOnly<R extends { url?: string | undefined; rawHeaders: string[] }>(req: R): R {
  return { ...req, rawHeaders: req.rawHeaders.map((x, i) => (i % 2 === 1 ? '' : x)) };
}
