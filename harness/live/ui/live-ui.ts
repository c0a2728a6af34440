/**
 * `squall run --mode live --ui`: a page for watching a live chaos run as it
 * happens: fault timeline with the heal, connected workers, completions per
 * second, warnings on the wire and the verdict at the end. Served on its own
 * port (loopback by default) with the coordinator dashboard's client and
 * style; state is pushed over server-sent events at most every `flushMs`.
 * Optional bearer token (SQUALL_UI_TOKEN), sent by the page as a header.
 */
import type { HttpRequest, HttpResponse, HttpStreamSink, Listener } from '../../../system/core/index.js';
import { methodNotAllowed, serveAsset, UI_ASSET_DIR, UI_HEADERS } from '../../../system/coordinator/index.js';
import { wsTransport } from '../../../system/transport/index.js';
import type { LiveRunObserver } from '../live-run.js';
import type { TimelineBuffer } from '../timeline-buffer.js';
import type { CheckContext } from '../../check/context.js';
import type { PromiseSelection } from '../../check/invariants.js';
import { ProgressiveChecker } from '../../check/prefix-safe.js';
import { LiveSafetyWatch, type SafetyWatchOptions } from './live-safety.js';
import { LiveUiModel, type LiveUiState } from './live-state.js';

const LIVE_ASSETS = new URL('./assets/', import.meta.url);

export interface LiveUiOptions {
  host?: string;
  port?: number;
  /** Required bearer token for data (page and assets are open); default none. */
  token?: string;
  /** Push window; default 500 ms. */
  flushMs?: number;
  /** Re-check the run's history mid-run with these promises' prefix-safe part (default: no mid-run checks). */
  safety?: { selection: PromiseSelection; context: CheckContext } & SafetyWatchOptions;
}

/** A running live-run page. */
export interface LiveUi {
  readonly url: string;
  readonly observer: LiveRunObserver;
  readonly model: LiveUiModel;
  /** The mid-run safety checks, once the run's buffer is known. */
  readonly safety: () => LiveSafetyWatch | undefined;
  /** Shows the checker's verdict. */
  finish(verdict: NonNullable<LiveUiState['verdict']>): void;
  close(): Promise<void>;
}

const json = (status: number, body: unknown): HttpResponse => ({ status, headers: { ...UI_HEADERS, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) });

/** The page's routes: the page and its assets are open; state and events need the token, if one is set. */
function uiRoutes(model: LiveUiModel, clients: Set<HttpStreamSink>, token: string | undefined): (req: HttpRequest) => HttpResponse {
  const denied = (req: HttpRequest): HttpResponse | undefined =>
    token === undefined || req.headers.authorization === `Bearer ${token}` ? undefined : json(401, { error: { code: 'auth_failed', message: 'this page needs the token given to squall run --ui (SQUALL_UI_TOKEN)', path: 'authorization' } });
  const handle = (req: HttpRequest): HttpResponse => {
    if (req.method !== 'GET') {
      const refused = methodNotAllowed(req.method, req.path, 'GET');
      return { ...refused, headers: { ...UI_HEADERS, ...refused.headers } };
    }
    if (req.path === '/' || req.path === '/ui' || req.path === '/ui/') return serveAsset(LIVE_ASSETS, 'live.html') as HttpResponse;
    if (req.path.startsWith('/ui/assets/')) {
      const name = req.path.slice('/ui/assets/'.length);
      return serveAsset(LIVE_ASSETS, name) ?? serveAsset(UI_ASSET_DIR, name) ?? json(404, { error: { code: 'not_found', message: `no asset ${name.slice(0, 100)}`, path: '' } });
    }
    if (req.path === '/ui/state') return denied(req) ?? json(200, model.state);
    if (req.path === '/ui/events') {
      return denied(req) ?? {
        status: 200,
        headers: { ...UI_HEADERS, 'content-type': 'text/event-stream; charset=utf-8' },
        body: '',
        stream: {
          start: (sink) => {
            clients.add(sink);
            sink.onClose(() => clients.delete(sink));
            sink.write(`retry: 2000\n\nevent: update\ndata: ${JSON.stringify(model.state)}\n\n`);
          },
        },
      };
    }
    return json(404, { error: { code: 'not_found', message: `no route ${req.path.slice(0, 200)}; the page is at /ui`, path: '' } });
  };
  return handle;
}

/** Starts the mid-run safety checks over the run's buffer; found violations show on the page early. */
function startSafetyWatch(buffer: TimelineBuffer, safety: NonNullable<LiveUiOptions['safety']>, model: LiveUiModel, changed: () => void): LiveSafetyWatch {
  const checker = new ProgressiveChecker(safety.selection, safety.context);
  const w = new LiveSafetyWatch((upTo) => buffer.history(upTo), checker, (found) => {
    model.addEarly(found);
    changed();
  }, safety);
  model.state.safety = { promises: [...checker.checking], stats: w.stats };
  w.start();
  return w;
}

/** Pushes the state to every event-stream client, at most once per flush window. */
function statePusher(model: LiveUiModel, clients: Set<HttpStreamSink>, flushMs: number): { changed: () => void; flush: () => void; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const push = (): void => {
    timer = undefined;
    const frame = `event: update\ndata: ${JSON.stringify(model.state)}\n\n`;
    for (const c of clients) c.write(frame);
  };
  const cancel = (): void => {
    if (timer !== undefined) clearTimeout(timer);
  };
  return {
    changed: () => {
      if (clients.size > 0) timer ??= setTimeout(push, flushMs);
    },
    flush: () => {
      cancel();
      push();
    },
    cancel,
  };
}

/** Starts the page's server for one run. */
export async function startLiveUi(scenario: { name: string; description?: string }, fleet: string[], opts: LiveUiOptions = {}): Promise<LiveUi> {
  const model = new LiveUiModel(scenario, fleet);
  const clients = new Set<HttpStreamSink>();
  const pusher = statePusher(model, clients, opts.flushMs ?? 500);
  const changed = pusher.changed;
  const handle = uiRoutes(model, clients, opts.token);
  const listener: Listener = await wsTransport().listen({
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 0,
    wsPath: '/no-websocket',
    maxPayloadBytes: 1024,
    perMessageDeflate: false,
    onConnection: (conn) => conn.close(1008, 'no WebSocket here'),
    onHttp: (req) => Promise.resolve(handle(req)),
  });
  let watch: LiveSafetyWatch | undefined;
  const keepAlive = setInterval(() => clients.forEach((c) => c.write(': keep-alive\n\n')), 15_000);
  keepAlive.unref();
  return {
    url: `${listener.url.replace(/^ws/, 'http')}/ui`,
    model,
    safety: () => watch,
    observer: {
      onBuffer: (buffer) => {
        if (opts.safety === undefined || watch !== undefined) return;
        watch = startSafetyWatch(buffer, opts.safety, model, changed);
      },
      onEntry: (entry, t0) => {
        model.add(entry, t0);
        changed();
      },
      onCoordinator: (url) => {
        model.state.coordinatorUrl = url;
        changed();
      },
    },
    finish: (verdict) => {
      watch?.stop();
      model.finish(verdict);
      pusher.flush();
    },
    close: async () => {
      watch?.stop();
      clearInterval(keepAlive);
      pusher.cancel();
      for (const c of [...clients]) c.end();
      await listener.close();
    },
  };
}
