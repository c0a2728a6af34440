/**
 * Broken variants of what clients observe of the HTTP API, its tokens, its
 * metrics and its dashboard (blind set 12 #13, #15 to #19), injected through
 * the simulation's seams (SimWiring.wrapHttp around the coordinator's HTTP
 * handler, SimWiring.wrapTokens around its token store), never a patch.
 */
import type { TokenStore } from '../../../system/coordinator/index.js';
import type { HttpHandler, HttpStreamSink } from '../../../system/core/index.js';
import type { SimWiring } from '../../../harness/sim/index.js';

/** #13: a 429 answered without its Retry-After (the error mapping kept it only for store_unavailable). */
export function retryAfterDropped(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    if (res.status !== 429 || res.headers === undefined) return res;
    const { 'retry-after': _dropped, ...headers } = res.headers;
    return { ...res, headers };
  };
}

/** #15: a repeat revoke moves revokedAt to its own time (the memory store's record is the one find() returns). */
export function revokeOverwrites(tokens: TokenStore): TokenStore {
  return {
    ...tokens,
    revoke: (id, at) => {
      const r = tokens.find(id);
      if (r?.revokedAt === undefined) return tokens.revoke(id, at);
      r.revokedAt = at;
      return true;
    },
  };
}

/** #16: GET /api/v1/tokens lists the stored records as they are, hashes included. */
export function hashesListed(): Pick<SimWiring, 'wrapTokens' | 'wrapHttp'> {
  let store: TokenStore | undefined;
  return {
    wrapTokens: (tokens) => (store = tokens),
    wrapHttp: (handle) => async (req) => {
      const res = await handle(req);
      if (req.method !== 'GET' || req.path !== '/api/v1/tokens' || res.status !== 200 || store === undefined) return res;
      return { ...res, body: JSON.stringify({ tokens: store.list() }) };
    },
  };
}

const TIMEOUT_GAUGE = /^squall_heartbeat_timeout_seconds\{stat="(min|max)"\} \S+$/gm;

/** #17: the heartbeat-timeout gauge not reset at a scrape: its last samples stay once no connection is left. */
export function timeoutGaugeKept(handle: HttpHandler): HttpHandler {
  let last: string[] = [];
  return async (req) => {
    const res = await handle(req);
    if (req.method !== 'GET' || req.path !== '/metrics' || res.status !== 200) return res;
    const now = res.body.match(TIMEOUT_GAUGE) ?? [];
    if (now.length > 0) last = now;
    return now.length > 0 || last.length === 0 ? res : { ...res, body: `${res.body}${last.join('\n')}\n` };
  };
}

/** #18: the dashboard feed's dropped count never reset after a push: each push reports every drop since the stream's first. */
export function droppedNeverReset(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    const stream = res.stream;
    if (req.path !== '/ui/events' || stream === undefined) return res;
    return {
      ...res,
      stream: {
        start: (sink: HttpStreamSink) => {
          let dropped = 0;
          stream.start({
            ...sink,
            write: (chunk) =>
              sink.write(
                chunk.replace(/^data: (.*)$/m, (_line, data: string) => {
                  const d = JSON.parse(data) as { dropped?: number };
                  dropped += d.dropped ?? 0;
                  return `data: ${JSON.stringify({ ...d, dropped })}`;
                }),
              ),
          });
        },
      },
    };
  };
}

/** #19: empty list parameters taken as values: `status=` is refused as no known status (400). */
export function emptyParamsAsFilters(handle: HttpHandler): HttpHandler {
  return async (req) => {
    if (req.method !== 'GET' || req.path !== '/api/v1/executions' || ![...req.query.values()].includes('')) return handle(req);
    const field = [...req.query.entries()].find(([, v]) => v === '')?.[0] ?? '';
    return { status: 400, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ error: { code: 'invalid_argument', message: `${field} is invalid`, path: field } }) };
  };
}
