/**
 * The coordinator's dashboard under /ui on the API's port. The page and its
 * assets (plain HTML/JS/CSS from ./assets, no CDN, no build step) hold no
 * data and are served to anyone; everything with data goes through
 * `authorize`, the same check as the HTTP API: the page reads the public
 * API (/api/v1/...) with the user's bearer token in a header, plus two UI
 * routes here: /ui/events (server-sent events) and /ui/graph/:id. No cookies
 * are ever set or read, so cross-site requests carry no credentials (no CSRF).
 */
import { readFileSync } from 'node:fs';
import type { Clock } from '../../core/clock.js';
import type { HttpRequest, HttpResponse } from '../../core/transport.js';
import type { EngineApi } from '../../engine/contract.js';
import type { ExecutionRecord } from '../../core/model.js';
import { withHead } from '../http-head.js';
import { methodNotAllowed } from '../http-router.js';
import { EventHub } from './event-hub.js';

/** Answers a request that fails authentication (401/403), or undefined to let it through. */
type Authorize = (req: HttpRequest) => HttpResponse | undefined | Promise<HttpResponse | undefined>;

export interface UiDeps {
  clock: Clock;
  engine: Pick<EngineApi, 'getExecution' | 'dependentsOf' | 'getExecutionStats'>;
  workers(): unknown[];
  /** The HTTP API's auth check; absent = open (as the API is without auth). */
  authorize?: Authorize;
  /** Coalescing window of the live feed (ms). */
  flushMs?: number;
}

/** The dashboard: `handle` answers /ui paths (undefined for any other path); `notify` feeds coordinator events. */
export interface UiHandler {
  handle(req: HttpRequest): Promise<HttpResponse> | undefined;
  notify: EventHub['notify'];
  readonly hub: EventHub;
  close(): void;
}

/** Security headers of every /ui answer: local assets only, no framing, no sniffing. */
export const UI_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const assetCache = new Map<string, string>();
/** Reads an asset (a plain lower-case .js/.css/.html name, nothing else) of a directory, cached; used by the live-run UI too. */
function readAsset(dir: URL, name: string): string | undefined {
  if (!/^[a-z][a-z0-9-]*\.(js|css|html)$/.test(name)) return undefined;
  const key = new URL(name, dir).href;
  let text = assetCache.get(key);
  if (text === undefined) {
    try {
      text = readFileSync(new URL(name, dir), 'utf8');
    } catch {
      return undefined;
    }
    assetCache.set(key, text);
  }
  return text;
}

/** The folder of the coordinator dashboard's assets (shared with the live-run UI). */
export const UI_ASSET_DIR = new URL('./assets/', import.meta.url);

/** A static answer for an asset path under a prefix, or undefined. */
export function serveAsset(dir: URL, name: string): HttpResponse | undefined {
  const text = readAsset(dir, name);
  if (text === undefined) return undefined;
  const type = name.endsWith('.html') ? 'text/html; charset=utf-8' : name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
  return { status: 200, headers: { ...UI_HEADERS, 'content-type': type }, body: text };
}

const json = (status: number, body: unknown): HttpResponse => ({ status, headers: { ...UI_HEADERS, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) });

/**
 * Of one node's dependencies, those not shown yet that the engine still holds, at most as many as
 * the node limit leaves room for: the limit holds inside one node's dependencies too (a join may
 * wait on up to 10,000 executions).
 */
function unshown(engine: UiDeps['engine'], deps: readonly string[], nodes: ReadonlyMap<string, ExecutionRecord>, limit: number): string[] {
  return deps.filter((d) => !nodes.has(d) && engine.getExecution(d) !== undefined).slice(0, Math.max(0, limit - nodes.size));
}

/** Upstream (dependencies, transitively) and downstream (dependents among recent executions) of one execution. */
export function executionGraph(engine: UiDeps['engine'], id: string, limit = 200): { nodes: { id: string; kind: string; status: string; taskId: string }[]; edges: [string, string][] } | undefined {
  const root = engine.getExecution(id);
  if (root === undefined) return undefined;
  const nodes = new Map<string, ExecutionRecord>([[root.executionId, root]]);
  const queue = [root];
  while (queue.length > 0 && nodes.size < limit) {
    for (const d of unshown(engine, (queue.shift() as ExecutionRecord).dependencies, nodes, limit)) {
      const r = engine.getExecution(d);
      if (r !== undefined && !nodes.has(d)) {
        nodes.set(d, r);
        queue.push(r);
      }
    }
  }
  // Then every execution that depends on a node shown, transitively, from the engine's own index (not a page of the listing).
  const shown = [...nodes.values()];
  for (let i = 0; i < shown.length && nodes.size < limit; i++) {
    for (const d of engine.dependentsOf((shown[i] as ExecutionRecord).executionId)) {
      const r = nodes.has(d) ? undefined : engine.getExecution(d);
      if (r === undefined || nodes.size >= limit) continue;
      nodes.set(d, r);
      shown.push(r);
    }
  }
  const edges: [string, string][] = [];
  for (const r of nodes.values()) for (const d of r.dependencies) if (nodes.has(d)) edges.push([d, r.executionId]);
  return { nodes: [...nodes.values()].map((r) => ({ id: r.executionId, kind: r.kind, status: r.status, taskId: r.taskId })), edges };
}

/** Builds the /ui handler. */
export function createUiHandler(deps: UiDeps): UiHandler {
  const hub = new EventHub({
    clock: deps.clock,
    snapshot: () => ({ now: deps.clock.now(), workers: deps.workers(), stats: deps.engine.getExecutionStats() }),
    ...(deps.flushMs === undefined ? {} : { flushMs: deps.flushMs }),
  });
  const guarded = async (req: HttpRequest, answer: () => HttpResponse): Promise<HttpResponse> => {
    const denied = deps.authorize === undefined ? undefined : await deps.authorize(req);
    return denied ?? answer();
  };
  const route = (req: HttpRequest): Promise<HttpResponse> => {
    const path = req.path;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // The API's 405 (JSON error body, Allow) with the dashboard's security headers beside it.
      const refused = methodNotAllowed(req.method, path, withHead(['GET']));
      return Promise.resolve({ ...refused, headers: { ...UI_HEADERS, ...refused.headers } });
    }
    if (path === '/ui' || path === '/ui/') return Promise.resolve(serveAsset(UI_ASSET_DIR, 'index.html') as HttpResponse);
    if (path.startsWith('/ui/assets/')) {
      const hit = serveAsset(UI_ASSET_DIR, path.slice('/ui/assets/'.length));
      return Promise.resolve(hit ?? json(404, { error: { code: 'not_found', message: `no asset ${path.slice(0, 200)}`, path: '' } }));
    }
    if (path === '/ui/events') return guarded(req, () => ({ status: 200, headers: { ...UI_HEADERS, 'content-type': 'text/event-stream; charset=utf-8' }, body: '', stream: { start: (sink) => hub.attach(sink) } }));
    if (path.startsWith('/ui/graph/')) {
      return guarded(req, () => {
        const id = decodeURIComponent(path.slice('/ui/graph/'.length));
        const g = executionGraph(deps.engine, id);
        return g === undefined ? json(404, { error: { code: 'not_found', message: `no execution with id "${id.slice(0, 200)}"`, path: 'id' } }) : json(200, g);
      });
    }
    return Promise.resolve(json(404, { error: { code: 'not_found', message: `no dashboard route ${path.slice(0, 200)}; the page is at /ui`, path: '' } }));
  };
  return {
    handle: (req) => (req.path === '/ui' || req.path.startsWith('/ui/') ? route(req) : undefined),
    notify: (e) => hub.notify(e),
    hub,
    close: () => hub.close(),
  };
}
