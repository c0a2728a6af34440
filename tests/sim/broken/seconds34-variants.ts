/**
 * Broken variants of the `_seconds` families (promise 29, api-contract,
 * harness/check/promises-metrics-seconds.ts), injected through the
 * simulation's wrapHttp seam around the coordinator's HTTP handler, never a
 * patch (tests/sim/broken-seconds34.test.ts).
 */
import type { HttpHandler } from '../../../system/core/index.js';

const ON_METRICS = (req: { method: string; path: string }): boolean => req.method === 'GET' && req.path === '/metrics';

/** squall_heartbeat_timeout_seconds set from the connections' timeoutMs as they are: min and max in ms (1000x). */
export function timeoutGaugeInMs(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    if (!ON_METRICS(req) || res.status !== 200) return res;
    return { ...res, body: res.body.replace(/^(squall_heartbeat_timeout_seconds\{stat="(?:min|max)"\}) (\S+)$/gm, (_l, name: string, v: string) => `${name} ${Number(v) * 1000}`) };
  };
}
