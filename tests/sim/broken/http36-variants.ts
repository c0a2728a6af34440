/**
 * Broken variants of HEAD on GET routes (session 36), injected through the
 * simulation's seams, never a patch (tests/sim/broken-http36.test.ts).
 */
import type { HttpHandler } from '../../../system/core/index.js';

/** HEAD refused where GET is served, as before session 36: 405 with Allow: GET on every API route. */
export function headRefused(handle: HttpHandler): HttpHandler {
  return (req) =>
    req.method === 'HEAD' && !req.path.startsWith('/ui')
      ? Promise.resolve({ status: 405, headers: { 'content-type': 'application/json; charset=utf-8', allow: 'GET' }, body: JSON.stringify({ error: { code: 'method_not_allowed', message: 'HEAD is not allowed; allowed: GET', path: '' } }) })
      : handle(req);
}

/** HEAD answered as the GET with its body dropped before its length was taken: Content-Length 0 on a GET route with a body. */
export function headLengthOfNothing(handle: HttpHandler): HttpHandler {
  return async (req) => {
    if (req.method !== 'HEAD') return handle(req);
    const get = await handle({ ...req, method: 'GET' });
    const headers = Object.fromEntries(Object.entries(get.headers ?? {}).filter(([k]) => k !== 'content-length'));
    return get.stream === undefined ? { status: get.status, headers, body: '' } : get;
  };
}
