/**
 * The dashboard's own scripts running in a DOM, in simulation: a happy-dom
 * window holds the page `/ui` as the coordinator serves it, and its module
 * scripts (index.html's `<script type="module">` and every module they
 * import, as served) run in it, each in a scope of its own, with the
 * browser's globals taken from the window: document, sessionStorage,
 * localStorage, location, Node. What a browser would do with the network
 * and the clock goes to the simulation instead:
 *
 * - fetch: every request is answered by the simulated coordinator's HTTP
 *   handler (probeCall, as ui-browser.ts reads the page); GET /ui/events
 *   starts the real stream on a sink that feeds the response body, and the
 *   request's abort signal closes it (the client went away);
 * - setTimeout/clearTimeout and Date.now run on the simulation's virtual
 *   clock (happy-dom's own window timers are never used by the scripts);
 * - nothing else: happy-dom neither loads nor evaluates scripts itself.
 *
 * `pageAssets.rewrite` is the seam of broken variants: it serves the page a
 * modified asset (tests/sim/broken-ui19.test.ts). ui-page.ts drives a user
 * through it.
 */
import type { Window as HappyWindow } from 'happy-dom';
import type { Coordinator } from '../../system/coordinator/index.js';
import type { HttpStreamSink } from '../../system/core/index.js';
import type { Simulation } from '../sim/index.js';
import { probeCall } from './sim-client.js';

/** The broken variants' seam: rewrites an asset's text before the page runs it (path as requested). */
export const pageAssets: { rewrite: ((path: string, text: string) => string) | undefined } = { rewrite: undefined };

/** One request the page made: path (with query), the Authorization header it sent, the status it got (0: a network error). */
type PageRequest = [path: string, authorization: string, status: number];

/** What the page's event stream carried, as the page's fetch handed it over: each event's type, execution or worker id, and time. */
type CarriedEvent = [type: string, id: string, at: number];

interface PageTap {
  requests: PageRequest[];
  /** Every event the pushes carried, oldest first. */
  carried: CarriedEvent[];
  /** The workers of the last push: [id, state, reconnects]. */
  workers: [string, string, number][];
  /** The last push as the page got it (its `now`, workers and stats: ui-page-look.ts reads the numbers shown next to it). */
  last: Record<string, unknown> | undefined;
  /** Virtual time of the last push that should have the page refetch its executions: one carrying an execution's event or dropping events. */
  execPushAt: number;
  /** Virtual time the page's event stream last came live (its GET /ui/events answered with a stream: at load, or back after a drop), and how many times it did. */
  liveAt: number | undefined;
  lives: number;
  /** The server's now the page held when it last requested its executions table (the last push's, or the clock at the page's load). */
  nowAtFetch: number;
  /** Each /ui/graph answer the page read: id → edges. */
  graphs: Map<string, [string, string][]>;
  warnings: string[];
  /** The coordinators the page holds a stream open on. */
  open: Set<Coordinator>;
  /** Ends what the page still holds open: its streams and timers (the tab closed). */
  closers: Set<() => void>;
}

/** The module globals a dashboard script may use, in the order newFunction passes them. */
const GLOBALS = ['window', 'document', 'sessionStorage', 'localStorage', 'location', 'Node', 'fetch', 'setTimeout', 'clearTimeout', 'Date', 'console'] as const;

/** An ES module's text as a function body: imports of sibling modules become `__import(name)`, exports a returned object. */
function moduleBody(src: string): { body: string; imports: string[] } {
  const imports: string[] = [];
  const exports: string[] = [];
  let body = src.replace(/^import\s*\{([^}]*)\}\s*from\s*['"]\.\/([^'"]+)['"];?/gm, (_m, names: string, from: string) => {
    imports.push(from);
    return `const {${names}} = __import(${JSON.stringify(from)});`;
  });
  body = body.replace(/^export\s+((?:async\s+)?function\*?|class|const|let)\s+([A-Za-z_$][\w$]*)/gm, (_m, what: string, name: string) => {
    exports.push(name);
    return `${what} ${name}`;
  });
  return { body: `'use strict';\n${body}\nreturn { ${exports.join(', ')} };`, imports };
}

type Call = ReturnType<typeof probeCall>;

/** The live coordinator's probe call, or a network error (it is down). */
function callOf(sim: Simulation): { c: Coordinator; call: Call } {
  const c = sim.coordinator.instance;
  if (c === null) throw new TypeError('fetch failed: the coordinator is down');
  return { c, call: probeCall(c) };
}

const textOf = (body: unknown): string => (typeof body === 'string' ? body : body === undefined || body === null ? '' : JSON.stringify(body));

/** The page's window.fetch (see the file comment). */
function pageFetch(sim: Simulation, tap: PageTap): (path: string, init?: { headers?: Record<string, string>; signal?: AbortSignal }) => Promise<Response> {
  return async (path, init = {}) => {
    const headers = init.headers ?? {};
    const note = (status: number): void => void tap.requests.push([path, headers.authorization ?? '', status]);
    if (path.startsWith('/api/v1/executions?')) tap.nowAtFetch = typeof tap.last?.now === 'number' ? tap.last.now : tap.nowAtFetch;
    let target: { c: Coordinator; call: Call };
    try {
      target = callOf(sim);
    } catch (err) {
      note(0);
      throw err;
    }
    if (path.split('?')[0] === '/ui/events') return streamResponse(sim, target.c, headers, init.signal, tap, note);
    const r = await target.call({ method: 'GET', path, headers });
    note(r.status);
    if (r.status === 0) throw new TypeError('fetch failed');
    const m = /^\/ui\/graph\/([^?]+)/.exec(path);
    if (m !== null && r.status === 200) tap.graphs.set(decodeURIComponent(m[1]!), ((r.body as { edges?: [string, string][] } | null)?.edges ?? []).map(([a, b]) => [String(a), String(b)]));
    return new Response(textOf(r.body), { status: r.status, headers: { 'content-type': r.headers['content-type'] ?? 'application/json' } });
  };
}

/** How often an open stream looks whether its coordinator still lives (a killed one resets the connection). */
const RESET_CHECK_MS = 250;

/**
 * The event stream as a fetch Response: the real stream started on a sink feeding the body; each push's events tapped.
 * A coordinator killed since errors the body, as a reset connection does in a browser.
 */
async function streamResponse(sim: Simulation, c: Coordinator, headers: Record<string, string>, signal: AbortSignal | undefined, tap: PageTap, note: (s: number) => void): Promise<Response> {
  const res = await c.handleHttp({ method: 'GET', path: '/ui/events', query: new URLSearchParams(), headers: { host: 'coordinator', ...headers }, body: '', remoteAddress: 'dashboard-page' });
  note(res.status);
  const stream = res.stream;
  if (stream === undefined) return new Response(res.body, { status: res.status });
  tap.liveAt = sim.now();
  tap.lives += 1;
  const closers: (() => void)[] = [];
  let ended = false;
  const finish = (): void => {
    ended = true;
    tap.open.delete(c);
    for (const fn of closers.splice(0)) fn();
  };
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(ctrl) {
      const end = (reset?: boolean): void => {
        if (ended) return;
        finish();
        try {
          if (reset === true) ctrl.error(new TypeError('network error: connection reset'));
          else ctrl.close();
        } catch {
          // already closed by the reader's cancel
        }
      };
      const look = (): void => {
        if (ended) return;
        if (sim.coordinator.instance !== c) return end(true);
        watch = sim.time.setTimeout(look, RESET_CHECK_MS);
      };
      let watch = sim.time.setTimeout(look, RESET_CHECK_MS);
      signal?.addEventListener('abort', () => end(), { once: true });
      tap.closers.add(() => {
        watch.cancel();
        end();
      });
      tap.open.add(c);
      const sink: HttpStreamSink = { write: (chunk) => !ended && (tapPush(chunk, tap, sim.now()), ctrl.enqueue(encoder.encode(chunk)), true), end: () => end(), onClose: (fn) => void closers.push(fn) };
      stream.start(sink);
    },
    cancel: finish,
  });
  return new Response(body, { status: res.status, headers: { 'content-type': 'text/event-stream' } });
}

function tapPush(chunk: string, tap: PageTap, at: number): void {
  const data = /^event: update\ndata: (.*)$/m.exec(chunk)?.[1];
  if (data === undefined) return;
  let d: { events?: { type?: unknown; executionId?: unknown; workerId?: unknown; at?: unknown }[]; workers?: { id?: unknown; state?: unknown; reconnects?: unknown }[]; dropped?: unknown };
  try {
    d = JSON.parse(data) as typeof d;
  } catch {
    return; // the page's own parser meets it too (client.js warns): judged by what the page then shows
  }
  if (d === null || typeof d !== 'object') return;
  tap.last = d as Record<string, unknown>;
  const events = Array.isArray(d.events) ? d.events : [];
  if (Number(d.dropped ?? 0) > 0 || events.some((e) => e?.executionId !== undefined)) tap.execPushAt = at;
  if (Array.isArray(d?.workers)) tap.workers = d.workers.map((w) => [String(w.id), String(w.state), Number(w.reconnects)]);
  for (const e of Array.isArray(d?.events) ? d.events : []) tap.carried.push([String(e.type), String(e.executionId ?? e.workerId ?? ''), Number(e.at)]);
}

/** Date whose now() and no-argument construction read the simulation's clock. */
function simDate(sim: Simulation): DateConstructor {
  class SimDate extends Date {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(sim.now());
      else super(...(args as [number]));
    }
    static override now(): number {
      return sim.now();
    }
  }
  return SimDate as DateConstructor;
}

/** The page's globals: the window's DOM, the simulation's network and clock. */
function globalsOf(sim: Simulation, window: HappyWindow, tap: PageTap): unknown[] {
  const source = sim.time.allocSource();
  const timers = new Map<number, { cancel(): void }>();
  let next = 1;
  const setTimer = (fn: () => void, ms = 0): number => {
    const id = next++;
    const fire = (): void => {
      timers.delete(id);
      try {
        fn();
      } catch (err) {
        // As a browser: an uncaught error in a timer is reported on the console, the page goes on.
        tap.warnings.push(`uncaught in a timer: ${String(err)}`);
      }
    };
    timers.set(id, sim.time.setTimeout(fire, Math.max(0, ms), source));
    return id;
  };
  const clearTimer = (id: number | undefined): void => {
    if (id === undefined) return;
    timers.get(id)?.cancel();
    timers.delete(id);
  };
  tap.closers.add(() => {
    for (const t of timers.values()) t.cancel();
    timers.clear();
  });
  const console = { warn: (...a: unknown[]) => void tap.warnings.push(a.map(String).join(' ')), log: () => undefined, error: (...a: unknown[]) => void tap.warnings.push(a.map(String).join(' ')) };
  const byName: Record<(typeof GLOBALS)[number], unknown> = {
    window, document: window.document, sessionStorage: window.sessionStorage, localStorage: window.localStorage, location: window.location, Node: window.Node,
    fetch: pageFetch(sim, tap), setTimeout: setTimer, clearTimeout: clearTimer, Date: simDate(sim), console,
  };
  return GLOBALS.map((g) => byName[g]);
}

/** GET an asset's text as served (through the seam). */
async function assetText(sim: Simulation, path: string): Promise<string> {
  const r = await callOf(sim).call({ method: 'GET', path, headers: {} });
  const text = typeof r.body === 'string' ? r.body : '';
  return pageAssets.rewrite === undefined ? text : pageAssets.rewrite(path, text);
}

/** Runs the module at `path` and, first, every module it imports (each once); returns its exports. */
async function runModule(sim: Simulation, path: string, globals: unknown[], done: Map<string, unknown>): Promise<unknown> {
  if (done.has(path)) return done.get(path);
  const { body, imports } = moduleBody(await assetText(sim, path));
  const dir = path.slice(0, path.lastIndexOf('/') + 1);
  for (const i of imports) await runModule(sim, dir + i, globals, done);
  const fn = new Function('__import', ...GLOBALS, body) as (...a: unknown[]) => unknown;
  const exported = fn((name: string) => done.get(dir + name), ...globals);
  done.set(path, exported);
  return exported;
}

/** A page open on the simulated coordinator: its window and what its network saw. */
export interface OpenPage {
  window: HappyWindow;
  tap: PageTap;
}

/** Opens `/ui` (hash optional) in a new window and runs its module scripts. */
export async function openPage(sim: Simulation, hash = ''): Promise<OpenPage> {
  const { Window } = await import('happy-dom');
  const window = new Window({ url: `http://coordinator/ui${hash}`, settings: { disableJavaScriptEvaluation: true, disableJavaScriptFileLoading: true, disableCSSFileLoading: true, disableComputedStyleRendering: true } });
  const tap: PageTap = { requests: [], carried: [], workers: [], last: undefined, execPushAt: sim.now(), liveAt: undefined, lives: 0, nowAtFetch: sim.now(), graphs: new Map(), warnings: [], closers: new Set(), open: new Set() };
  const html = await assetText(sim, '/ui');
  window.document.write(html);
  const globals = globalsOf(sim, window, tap);
  const done = new Map<string, unknown>();
  for (const s of window.document.querySelectorAll('script[type="module"][src]')) await runModule(sim, s.getAttribute('src')!, globals, done);
  return { window, tap };
}

/** Closes the tab: its streams end (the coordinator sees the client go), its timers are cancelled, the window is closed. */
export async function closePage(page: OpenPage): Promise<void> {
  for (const fn of [...page.tap.closers]) fn();
  page.tap.closers.clear();
  await page.window.happyDOM.close();
}
