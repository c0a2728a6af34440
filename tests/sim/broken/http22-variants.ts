/**
 * Blind set 22's HTTP-body class, variants wired through SimWiring.wrapHttp
 * (tests/sim/broken-http22.test.ts).
 */
import type { HttpHandler } from '../../../system/core/index.js';

/**
 * A control refused over its body's bounds after it acted: a cancel, pause or
 * resume whose reason is too long is carried out (with the reason cut to the
 * bound) and then answered 400 invalid_argument as before, the shape of a
 * route that calls the engine before it validates the body. The refusal is
 * right; its effect is not (promise 29, a refused request has no effect).
 */
export function controlActsThenRefuses(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    if (req.method !== 'POST' || !/\/(cancel|pause|resume)$/.test(req.path) || res.status !== 400 || !res.body.includes('"path":"reason"')) return res;
    const body = JSON.parse(req.body) as { reason?: string };
    await handle({ ...req, body: JSON.stringify({ reason: (body.reason ?? '').slice(0, 1000) }) });
    return res;
  };
}
