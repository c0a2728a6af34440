/**
 * A simulated browser on the dashboard at the end of a simulated run, at
 * one instant, through the coordinator's HTTP handler:
 *
 * - the page (GET /ui and /ui/, no token: it is open), every asset the page
 *   references and every module those import, as a browser loads them; an
 *   asset and a route no one serves, the graph of an unknown id, a POST, and
 *   the event stream's answer (not started: its pushes are client-dashboard.ts's
 *   to judge), with a read token as the page sends it. Each answer's status,
 *   error code and headers are noted (`uiPages`).
 * - GET /ui/graph/<id> for the run's executions that have dependencies or
 *   dependents (at most MAX_READS, spread over them, and the widest fan-out
 *   and join besides), each answer's nodes,
 *   their statuses and the edges noted (`uiGraphs`), next to the executions
 *   and their dependencies as GET /api/v1/executions?limit=1000 lists them
 *   at the same instant (`uiListed`).
 *
 * harness/check/promises-ui-reads.ts judges them by the README alone; the
 * edges are also held to what the client submitted (promises-api-echoes.ts).
 */
import type { Coordinator } from '../../system/coordinator/index.js';
import type { UiGraphRead } from '../check/promises-api-echoes.js';
import type { UiListed, UiPageRead } from '../check/promises-ui-reads.js';
import type { HttpAnswer, HttpCall } from './http-client.js';
import { probeCall } from './sim-client.js';

/** Enough graphs to see every shape of a run, few enough to stay cheap. */
const MAX_READS = 24;
/** At most this many assets are loaded (a page that references itself in a loop stops here). */
const MAX_ASSETS = 16;
/** The headers a page read keeps (lower-case). */
const KEPT = ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'cache-control', 'content-type', 'allow'];

/** What the browser read: the page answers, the graphs, the listing they are judged against. */
export interface DashboardReads {
  pages: UiPageRead[];
  graphs: UiGraphRead[];
  listed: UiListed;
}

const codeOf = (body: unknown): string | undefined => {
  const c = (body as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof c === 'string' ? c : undefined;
};

function pageRead(method: string, path: string, expect: UiPageRead['expect'], r: HttpAnswer): UiPageRead {
  const headers = Object.fromEntries(KEPT.filter((k) => r.headers[k] !== undefined).map((k) => [k, String(r.headers[k])]));
  const code = codeOf(r.body);
  return { method, path, expect, status: r.status, ...(code === undefined ? {} : { code }), headers };
}

/** The assets a page or module loads: `src`/`href` under /ui/assets/, and relative module imports. */
function referenced(text: string): string[] {
  const out = [...text.matchAll(/(?:src|href)="(\/ui\/assets\/[^"?#]+)"/g)].map((m) => m[1]!);
  for (const m of text.matchAll(/(?:from|import)\s*['"]\.\/([^'"?#]+)['"]/g)) out.push(`/ui/assets/${m[1]!}`);
  return out;
}

const expectOf = (path: string): UiPageRead['expect'] => (path.endsWith('.css') ? 'css' : path.endsWith('.js') ? 'js' : 'html');

/** The page and what it loads, then the routes' edges (see the file comment). */
async function readPages(call: HttpCall, token: string): Promise<UiPageRead[]> {
  const out: UiPageRead[] = [];
  const seen = new Set<string>();
  const queue = ['/ui', '/ui/'];
  while (queue.length > 0 && seen.size < MAX_ASSETS) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const r = await call({ method: 'GET', path, headers: {} });
    out.push(pageRead('GET', path, expectOf(path), r));
    if (typeof r.body === 'string') queue.push(...referenced(r.body));
  }
  const auth = { authorization: `Bearer ${token}` };
  const edges: [string, string, UiPageRead['expect']][] = [
    ['GET', '/ui/assets/no-such-asset.js', 'not_found'],
    ['GET', '/ui/no-such-route', 'not_found'],
    ['GET', '/ui/graph/no-such-execution', 'not_found'],
    ['POST', '/ui', 'method'],
    // Last: the stream's path takes the real server's plumbing (an extra hop).
    ['GET', '/ui/events', 'events'],
  ];
  for (const [method, path, expect] of edges) out.push(pageRead(method, path, expect, await call({ method, path, headers: auth, ...(method === 'POST' ? { body: '' } : {}) })));
  return out;
}

/** The listing the graphs are judged against: one page of 1000, each execution's id, status and dependencies. */
async function readListed(call: HttpCall, token: string): Promise<UiListed> {
  const r = await call({ method: 'GET', path: '/api/v1/executions?limit=1000', headers: { authorization: `Bearer ${token}` } });
  const b = r.body as { executions?: { executionId?: unknown; status?: unknown; dependencies?: unknown }[]; nextCursor?: unknown } | null;
  if (r.status !== 200 || !Array.isArray(b?.executions)) return { error: r.status };
  const items = b.executions.map((e): [string, string, string[]] => [String(e.executionId), String(e.status), Array.isArray(e.dependencies) ? e.dependencies.map(String) : []]);
  return { items, more: typeof b.nextCursor === 'string' };
}

/**
 * The ids whose graphs are read: those with dependencies or dependents, spread evenly over at most
 * MAX_READS, and first the widest fan-out (most dependents) and the widest join (most dependencies):
 * the graphs that reach the documented 200-node limit inside one node's neighbours.
 */
export function graphIds(c: Coordinator, ids: readonly string[]): string[] {
  const linked = new Set<string>();
  const dependents = new Map<string, number>();
  let join: [string, number] | undefined;
  for (const id of ids) {
    const deps = c.engine.getExecution(id)?.dependencies ?? [];
    if (deps.length > 0) linked.add(id);
    if (deps.length > (join?.[1] ?? 1)) join = [id, deps.length];
    for (const d of deps) {
      linked.add(d);
      dependents.set(d, (dependents.get(d) ?? 0) + 1);
    }
  }
  let fan: [string, number] | undefined;
  for (const [id, n] of dependents) if (n > (fan?.[1] ?? 1)) fan = [id, n];
  const widest = [fan?.[0], join?.[0]].filter((id): id is string => id !== undefined);
  const all = ids.filter((id) => linked.has(id) && !widest.includes(id));
  const spread = all.length <= MAX_READS ? all : Array.from({ length: MAX_READS }, (_, i) => all[Math.floor((i * all.length) / MAX_READS)]!);
  return [...widest, ...spread];
}

async function readGraph(call: HttpCall, token: string, id: string): Promise<UiGraphRead> {
  const r = await call({ method: 'GET', path: `/ui/graph/${encodeURIComponent(id)}`, headers: { authorization: `Bearer ${token}` } });
  const b = r.body as { nodes?: { id?: unknown; status?: unknown }[]; edges?: unknown[] } | null;
  const edges = (Array.isArray(b?.edges) ? b.edges : []).filter((e): e is [string, string] => Array.isArray(e) && e.length === 2).map(([a, d]): [string, string] => [String(a), String(d)]);
  const nodes = Array.isArray(b?.nodes) ? b.nodes : [];
  return { id, status: r.status, nodes: nodes.map((n) => String(n.id)), edges, statuses: nodes.map((n) => String(n.status)) };
}

/** The browser's reads (see the file comment), with the read token `token`, for the run's executions `ids`. */
export async function readDashboard(c: Coordinator, token: string, ids: readonly string[]): Promise<DashboardReads> {
  const call = probeCall(c);
  const listed = await readListed(call, token);
  const graphs: UiGraphRead[] = [];
  for (const id of graphIds(c, ids)) graphs.push(await readGraph(call, token, id));
  return { pages: await readPages(call, token), graphs, listed };
}
