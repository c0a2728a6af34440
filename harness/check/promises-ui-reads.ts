/**
 * Part of 29, api-contract: every dashboard endpoint as a browser reads it
 * (README, "Dashboard"), judged on what a simulated browser read at the end
 * of a run (harness/scenario/ui-browser.ts):
 *
 * - headers: every answer under /ui (the page, each asset the page loads and
 *   each module they import, the graph, the event stream, a 404, a 405)
 *   carries the documented security headers, by the checker's own copy
 *   below: a Content-Security-Policy with each documented directive as
 *   documented (frame-ancestors 'none' among them), X-Content-Type-Options
 *   nosniff, Referrer-Policy no-referrer, Cache-Control no-store; and the
 *   Content-Type of what it is (HTML, JavaScript, CSS, JSON, event stream),
 *   which nosniff makes the browser hold to (blind set 16 #24: the page and
 *   assets served without them: framable, cached);
 * - status codes: the page, its assets and the stream 200, an asset or
 *   route no one serves and the graph of an id the API does not know 404
 *   not_found, a POST 405 with Allow GET, and the graph of every execution
 *   the API lists 200;
 * - graph contents (`uiGraphs` next to `uiListed`, the executions and their
 *   dependencies as GET /api/v1/executions returned them at the same
 *   instant): the nodes are the execution, its dependencies transitively,
 *   and then, transitively, every listed execution that depends on ANY node
 *   shown (a join that also waits on an execution outside the graph is
 *   shown, its outside dependency not); the edges are exactly [dependency,
 *   dependent] of each dependency between two shown nodes; each node's
 *   status is the one listed (blind set 16 #10: dependents added only when
 *   ALL their dependencies were shown). Judged only while the listing fits
 *   one page (1000) and the graph the documented 200 nodes;
 * - graph size: every graph answered holds at most 200 nodes, each once,
 *   whatever the listing (a fan-out of thousands, a join on hundreds).
 */
import type { HistoryRecord } from './history.js';
import type { UiGraphRead } from './promises-api-echoes.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** One answer the browser read: what it sent, the status, the error code, the headers it judges (lower-case names). */
export interface UiPageRead {
  method: string;
  path: string;
  /** What the answer is meant to be: the documented type and status. */
  expect: 'html' | 'js' | 'css' | 'json' | 'events' | 'not_found' | 'method';
  status: number;
  code?: string;
  headers: Record<string, string>;
}

/** The executions as GET /api/v1/executions?limit=1000 listed them next to the graph reads: [id, status, dependencies]; `more` when a second page exists. */
export type UiListed = { items: [string, string, string[]][]; more: boolean } | { error: number };

/** The checker's copy of the documented security headers (README, "Dashboard"). */
const CSP: Readonly<Record<string, string>> = {
  'default-src': "'none'",
  'script-src': "'self'",
  'style-src': "'self'",
  'connect-src': "'self'",
  'img-src': "'self' data:",
  'base-uri': "'none'",
  'form-action': "'none'",
  'frame-ancestors': "'none'",
};
const FIXED: Readonly<Record<string, string>> = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' };
/** The documented Content-Type (media type) of each kind of answer. */
const TYPES: Readonly<Record<UiPageRead['expect'], readonly string[]>> = {
  html: ['text/html'],
  js: ['text/javascript', 'application/javascript'],
  css: ['text/css'],
  json: ['application/json'],
  events: ['text/event-stream'],
  not_found: ['application/json'],
  method: ['application/json'],
};
/** The documented graph limit: at most this many nodes are drawn. */
const GRAPH_LIMIT = 200;

/** At most 6 of a list, then how many more. */
const few = (xs: readonly string[], sep = ', '): string => (xs.length <= 6 ? xs.join(sep) : `${xs.slice(0, 6).join(sep)} and ${xs.length - 6} more`);

const tokens = (v: string): string => v.trim().split(/\s+/).sort().join(' ');

/** What is wrong with an answer's security headers (empty: as documented). */
function uiHeaderProblems(headers: Record<string, string>): string[] {
  const out: string[] = [];
  const csp = headers['content-security-policy'];
  if (csp === undefined) out.push(`no Content-Security-Policy (documented: ${Object.entries(CSP).map(([k, v]) => `${k} ${v}`).join('; ')})`);
  else {
    const got = new Map(csp.split(';').map((d) => d.trim()).filter((d) => d !== '').map((d): [string, string] => [d.split(/\s+/)[0]!.toLowerCase(), d.slice(d.split(/\s+/)[0]!.length)]));
    for (const [name, value] of Object.entries(CSP)) {
      const v = got.get(name);
      if (v === undefined) out.push(`a Content-Security-Policy without ${name} (documented: ${name} ${value})`);
      else if (tokens(v) !== tokens(value)) out.push(`Content-Security-Policy ${name}${v}, documented ${name} ${value}`);
    }
  }
  for (const [name, value] of Object.entries(FIXED)) if (headers[name]?.trim().toLowerCase() !== value) out.push(`${name} ${JSON.stringify(headers[name] ?? null)}, documented ${value}`);
  return out;
}

function pageViolations(view: HistoryView, rec: HistoryRecord, p: UiPageRead): Violation[] {
  const v = (m: string): Violation => violation(view.records, 'api-contract', `${p.method} ${p.path} (dashboard, t=${rec.time}) ${m}`, { index: rec.index });
  // Status 0: no answer the browser could read (probeCall, sim-client.ts): that alone is the violation, there are no headers to judge.
  if (p.status === 0) return [v(`got no answer the browser could read (${p.code ?? 'a client error'}), documented ${p.expect === 'not_found' ? '404 not_found' : p.expect === 'method' ? '405 method_not_allowed' : '200'}`)];
  const out = uiHeaderProblems(p.headers).map((m) => v(`was answered with ${m}: every /ui answer carries the documented security headers`));
  const type = p.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (p.status < 300 || p.expect === 'not_found' || p.expect === 'method') {
    if (type === undefined || !TYPES[p.expect].includes(type)) out.push(v(`was typed ${JSON.stringify(p.headers['content-type'] ?? null)}: documented ${TYPES[p.expect].join(' or ')}`));
  }
  const want = p.expect === 'not_found' ? [404, 'not_found'] : p.expect === 'method' ? [405, 'method_not_allowed'] : [200, undefined];
  if (p.status !== want[0] || (want[1] !== undefined && p.code !== want[1])) out.push(v(`was answered ${p.status}${p.code === undefined ? '' : ` ${p.code}`}, documented ${want.join(' ')}`));
  const allow = (p.headers.allow ?? '').split(',').map((m) => m.trim().toUpperCase()).sort().join(', ');
  if (p.expect === 'method' && allow !== 'GET, HEAD') out.push(v(`carried Allow ${JSON.stringify(p.headers.allow ?? null)}: a 405 names the methods the dashboard serves (GET, HEAD)`));
  return out;
}

/** The graph GET /ui/graph/<id> documents, from the listed dependencies; undefined when the API does not list `id`. */
export function expectedGraph(deps: ReadonlyMap<string, readonly string[]>, id: string): { nodes: Set<string>; edges: Set<string> } | undefined {
  if (!deps.has(id)) return undefined;
  const nodes = new Set([id]);
  const queue = [id];
  while (queue.length > 0) {
    for (const d of deps.get(queue.shift()!) ?? []) {
      if (!deps.has(d) || nodes.has(d)) continue;
      nodes.add(d);
      queue.push(d);
    }
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const [e, ds] of deps) {
      if (nodes.has(e) || !ds.some((d) => nodes.has(d))) continue;
      nodes.add(e);
      grew = true;
    }
  }
  const edges = new Set<string>();
  for (const n of nodes) for (const d of deps.get(n) ?? []) if (nodes.has(d)) edges.add(`${d}>${n}`);
  return { nodes, edges };
}

/**
 * The documented limit, judged on every graph read whatever the listing: at
 * most 200 nodes, each once (blind set 18 #09: a fan-out of thousands drawn
 * whole, the limit checked only between one node's dependents and the next's).
 */
function oversizedGraphs(view: HistoryView, rec: HistoryRecord, graphs: readonly UiGraphRead[]): Violation[] {
  return graphs.flatMap((g) => {
    const distinct = new Set(g.nodes).size;
    if (g.status !== 200 || (g.nodes.length <= GRAPH_LIMIT && distinct === g.nodes.length)) return [];
    const what = distinct === g.nodes.length ? `${g.nodes.length} nodes` : `${g.nodes.length} nodes, ${g.nodes.length - distinct} of them repeated`;
    return [violation(view.records, 'api-contract', `GET /ui/graph/${g.id} (t=${rec.time}) answered ${what}: a graph shows at most ${GRAPH_LIMIT} nodes, each once`, { index: rec.index, executionId: g.id })];
  });
}

function graphViolations(view: HistoryView, rec: HistoryRecord, listed: UiListed | undefined, graphs: readonly UiGraphRead[]): Violation[] {
  if (listed === undefined || 'error' in listed || listed.more) return oversizedGraphs(view, rec, graphs);
  const deps = new Map(listed.items.map(([id, , d]) => [id, d]));
  const status = new Map(listed.items.map(([id, s]) => [id, s]));
  const out: Violation[] = oversizedGraphs(view, rec, graphs);
  for (const g of graphs) {
    const v = (m: string): Violation => violation(view.records, 'api-contract', `GET /ui/graph/${g.id} (t=${rec.time}) ${m}`, { index: rec.index, executionId: g.id });
    const want = expectedGraph(deps, g.id);
    if (want === undefined) {
      if (g.status !== 404) out.push(v(`was answered ${g.status}: an id the API does not list is 404 not_found`));
      continue;
    }
    if (g.status !== 200) {
      out.push(v(`was answered ${g.status}: the API lists ${g.id}, so its graph is 200`));
      continue;
    }
    const shown = new Set(g.nodes);
    const extra = g.nodes.filter((n) => !want.nodes.has(n));
    if (extra.length > 0) out.push(v(`shows ${few(extra)}: neither a dependency of ${g.id} (transitively) nor a dependent of a shown node`));
    if (want.nodes.size <= GRAPH_LIMIT) {
      const missing = [...want.nodes].filter((n) => !shown.has(n));
      if (missing.length > 0) out.push(v(`misses ${few(missing.map((n) => `${n} (depends on ${(deps.get(n) ?? []).join(', ') || 'nothing'})`))}: the graph holds ${g.id}'s dependencies transitively and every execution depending on any shown node, whatever else it waits on`));
    }
    const edges = new Set(g.edges.map(([a, b]) => `${a}>${b}`));
    const missingEdges = [...want.edges].filter((e) => shown.has(e.split('>')[1]!) && shown.has(e.split('>')[0]!) && !edges.has(e));
    const extraEdges = [...edges].filter((e) => !want.edges.has(e));
    if (missingEdges.length > 0) out.push(v(`lacks the edge(s) ${few(missingEdges.map((e) => `[${e.replace('>', ', ')}]`), ' ')}: every dependency between two shown nodes is an edge [dependency, dependent]`));
    if (extraEdges.length > 0) out.push(v(`draws the edge(s) ${few(extraEdges.map((e) => `[${e.replace('>', ', ')}]`), ' ')}, which no listed dependency gives`));
    g.statuses?.forEach((s, i) => {
      const n = g.nodes[i]!;
      if (status.has(n) && status.get(n) !== s) out.push(v(`shows ${n} ${s}, listed ${status.get(n)} at the same instant`));
    });
  }
  return out;
}

const lastNote = <T>(view: HistoryView, key: string): { rec: HistoryRecord; value: T } | undefined => {
  for (let i = view.records.length - 1; i >= 0; i--) {
    const rec = view.records[i] as HistoryRecord;
    if (rec.f === 'note' && rec.value[key] !== undefined) return { rec, value: rec.value[key] as T };
  }
  return undefined;
};

/** Every rule of this file (see the file comment). */
export function checkUiReads(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) if (rec.f === 'note' && Array.isArray(rec.value.uiPages)) for (const p of rec.value.uiPages as UiPageRead[]) out.push(...pageViolations(view, rec, p));
  const graphs = lastNote<UiGraphRead[]>(view, 'uiGraphs');
  if (graphs !== undefined) out.push(...graphViolations(view, graphs.rec, lastNote<UiListed>(view, 'uiListed')?.value, graphs.value));
  return out;
}
