/**
 * The HTTP API, route for route Toxiproxy 2.x (api.go): JSON bodies, 201 for
 * a created proxy, 200 for a created toxic, 204 for deletes and reset, error
 * bodies `{"error","status"}` sent like Go's http.Error (text/plain, newline),
 * 404 "404 page not found" for unknown paths, 405 for a wrong method, 301 to
 * the cleaned path for an unclean one (`//version`), as gorilla/mux does. On
 * a matched route only (mux middleware): an `X-Toxiproxy-Request-Id` header,
 * and 403 for browsers (User-Agent "Mozilla/...").
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { posix } from 'node:path';
import type { Random, Logger } from '../../system/core/index.js';
import { ApiError, toApiError } from './api-error.js';
import type { ProxyCollection } from './collection.js';
import type { ProxyMetrics } from './metrics.js';
import { toxicJson } from './toxic-spec.js';

/** The Toxiproxy version this API matches. */
export const TOXIPROXY_VERSION = '2.12.0';

type Handler = (req: { params: string[]; body: string }) => Promise<Reply> | Reply;
type Reply = { status: number; json?: unknown; raw?: string; contentType?: string };

interface Route {
  readonly pattern: readonly string[]; // '*' = one path segment
  readonly methods: Readonly<Record<string, Handler>>;
}

function ok(json: unknown, status = 200): Reply {
  return { status, json };
}
const noContent: Reply = { status: 204 };

/** `/metrics` when the proxy's metrics are enabled: any method, the Prometheus text. */
function metricsRoutes(metrics: ProxyMetrics | undefined): Route[] {
  if (metrics?.enabled !== true) return [];
  return [{ pattern: ['metrics'], methods: ANY_METHOD(async () => {
    const m = await metrics.render();
    return { status: 200, raw: m.text, contentType: m.contentType };
  }) }];
}

/** The collection and one proxy: list, create, populate, get, update, delete, reset. */
function proxyRoutes(c: ProxyCollection): Route[] {
  return [
    { pattern: ['reset'], methods: { POST: async () => (await c.reset(), noContent) } },
    {
      pattern: ['proxies'],
      methods: { GET: () => ok(c.index()), POST: async ({ body }) => ok(await c.create(body), 201) },
    },
    {
      pattern: ['populate'],
      methods: {
        POST: async ({ body }) => {
          const r = await c.populate(body);
          const json = r.error === undefined ? { proxies: r.proxies } : { ...r.error.body(), proxies: r.proxies };
          return ok(json, r.error?.status ?? 201);
        },
      },
    },
    {
      pattern: ['proxies', '*'],
      methods: {
        GET: ({ params: [p] }) => ok(c.get(p as string).toJSON()),
        POST: async ({ params: [p], body }) => ok(await c.update(p as string, body)),
        PATCH: async ({ params: [p], body }) => ok(await c.update(p as string, body)),
        DELETE: async ({ params: [p] }) => (await c.remove(p as string), noContent),
      },
    },
  ];
}

/** A proxy's toxics: list, add, get, update, remove. */
function toxicRoutes(c: ProxyCollection): Route[] {
  return [
    {
      pattern: ['proxies', '*', 'toxics'],
      methods: {
        GET: ({ params: [p] }) => ok(c.get(p as string).toxicList().map(toxicJson)),
        POST: ({ params: [p], body }) => ok(c.addToxic(p as string, body)),
      },
    },
    {
      pattern: ['proxies', '*', 'toxics', '*'],
      methods: {
        GET: ({ params: [p, t] }) => ok(c.getToxic(p as string, t as string)),
        POST: ({ params: [p, t], body }) => ok(c.updateToxic(p as string, t as string, body)),
        PATCH: ({ params: [p, t], body }) => ok(c.updateToxic(p as string, t as string, body)),
        DELETE: ({ params: [p, t] }) => (c.get(p as string).removeToxic(t as string), noContent),
      },
    },
  ];
}

const versionRoute: Route = {
  pattern: ['version'],
  methods: {
    GET: () => ({ status: 200, raw: `{"version": "${TOXIPROXY_VERSION}"}\n`, contentType: 'application/json;charset=utf-8' }),
  },
};

/** Every route, in the order they are matched. */
function routes(c: ProxyCollection, metrics: ProxyMetrics | undefined): Route[] {
  return [...metricsRoutes(metrics), ...proxyRoutes(c), ...toxicRoutes(c), versionRoute];
}

/** The same handler for every method (mux's Handle without .Methods). */
function ANY_METHOD(h: Handler): Record<string, Handler> {
  return Object.fromEntries(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((m) => [m, h]));
}

/** Go's path.Clean keeping a trailing slash (gorilla/mux cleanPath). */
function cleanPath(p: string): string {
  if (p === '') return '/';
  const cleaned = posix.normalize(p.startsWith('/') ? p : `/${p}`);
  return cleaned;
}

const XID_ALPHABET = '0123456789abcdefghijklmnopqrstuv';

/** A 20-character request id in the alphabet of the xid the real server sends. */
function requestId(random: Random): string {
  let id = '';
  for (let i = 0; i < 20; i++) id += XID_ALPHABET[random.int(0, 31)];
  return id;
}

function match(route: Route, segments: readonly string[]): string[] | undefined {
  if (route.pattern.length !== segments.length) return undefined;
  const params: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const want = route.pattern[i];
    const got = segments[i] as string;
    if (want === '*') {
      if (got === '') return undefined;
      params.push(got);
    } else if (want !== got) return undefined;
  }
  return params;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.status === 204) {
    res.writeHead(204).end();
    return;
  }
  const text = reply.raw ?? JSON.stringify(reply.json);
  res.writeHead(reply.status, { 'Content-Type': reply.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Go's http.Error: overrides the content type with text/plain and appends a newline. */
function sendError(res: ServerResponse, status: number, text: string): void {
  const body = `${text}\n`;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.writeHead(status);
  res.end(body);
}

/** What the API serves besides the collection. */
export interface ApiOptions {
  readonly metrics?: ProxyMetrics;
  /** Request ids are drawn from it (seeded servers repeat them). */
  readonly random: Random;
}

/** The route for this path and method; 'no-method' when only the path matched (405). */
function findRoute(table: readonly Route[], segments: readonly string[], method: string): { handler: Handler; params: string[] } | 'no-method' | undefined {
  let pathMatched = false;
  for (const route of table) {
    const params = match(route, segments);
    if (params === undefined) continue;
    pathMatched = true;
    const handler = route.methods[method];
    if (handler !== undefined) return { handler, params };
  }
  return pathMatched ? 'no-method' : undefined;
}

/** The matched-route middleware (request id, browsers refused), then the handler; its errors become Go-style error bodies. */
async function serveRoute(
  req: IncomingMessage,
  res: ServerResponse,
  found: { handler: Handler; params: string[] },
  logger: Logger,
  random: Random,
): Promise<void> {
  const method = req.method ?? 'GET';
  res.setHeader('X-Toxiproxy-Request-Id', requestId(random));
  if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
    sendError(res, 403, 'User agent not allowed');
    return;
  }
  const body = await readBody(req);
  try {
    const reply = await found.handler({ params: found.params, body });
    logger.debug({ method, url: req.url, status: reply.status }, 'api');
    send(res, reply);
  } catch (err) {
    const apiErr = toApiError(err);
    if (!(err instanceof ApiError)) logger.warn({ err: apiErr.message }, 'Error did not include status code');
    logger.debug({ method, url: req.url, status: apiErr.status, error: apiErr.message }, 'api');
    sendError(res, apiErr.status, JSON.stringify(apiErr.body()));
  }
}

/** One request: 301 to the clean path, then route, 405 or 404. */
async function handleRequest(table: readonly Route[], req: IncomingMessage, res: ServerResponse, logger: Logger, random: Random): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://proxy.invalid');
  const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
  const clean = cleanPath(rawPath);
  if (clean !== rawPath) {
    res.writeHead(301, { Location: clean + (url.search ?? '') }).end();
    return;
  }
  let segments: string[];
  try {
    segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    sendError(res, 404, '404 page not found');
    return;
  }
  const found = findRoute(table, segments, req.method ?? 'GET');
  if (found === 'no-method') res.writeHead(405).end();
  else if (found === undefined) sendError(res, 404, '404 page not found');
  else await serveRoute(req, res, found, logger, random);
}

/** Builds the request listener serving a collection. */
export function createApiHandler(collection: ProxyCollection, logger: Logger, opts: ApiOptions): RequestListener {
  const table = routes(collection, opts.metrics);
  return (req, res) => {
    handleRequest(table, req, res, logger, opts.random).catch((err: unknown) => {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'proxy API handler failed');
      if (!res.headersSent) sendError(res, 500, JSON.stringify({ error: 'internal error', status: 500 }));
    });
  };
}
