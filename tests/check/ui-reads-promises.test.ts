/**
 * The dashboard's endpoints as a browser reads them (promise 29,
 * harness/check/promises-ui-reads.ts) on synthetic histories: documented
 * security headers and types, status codes, and graph contents recomputed
 * from the listed dependencies. The simulation shows each caught against a
 * broken system (tests/sim/broken-ui16.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { UiGraphRead } from '../../harness/check/promises-api-echoes.js';
import { expectedGraph, type UiListed, type UiPageRead } from '../../harness/check/promises-ui-reads.js';
import { H, baseContext } from './builder.js';

const messages = (h: H) => checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);

const UI = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
const page = (path: string, expect: UiPageRead['expect'], status: number, type: string, extra: Record<string, string> = {}, code?: string): UiPageRead => ({
  method: expect === 'method' ? 'POST' : 'GET',
  path,
  expect,
  status,
  ...(code === undefined ? {} : { code }),
  headers: { ...UI, 'content-type': type, ...extra },
});
const GOOD_PAGES: UiPageRead[] = [
  page('/ui', 'html', 200, 'text/html; charset=utf-8'),
  page('/ui/assets/app.js', 'js', 200, 'text/javascript; charset=utf-8'),
  page('/ui/assets/style.css', 'css', 200, 'text/css; charset=utf-8'),
  page('/ui/graph/nope', 'not_found', 404, 'application/json; charset=utf-8', {}, 'not_found'),
  page('/ui', 'method', 405, 'application/json; charset=utf-8', { allow: 'GET, HEAD' }, 'method_not_allowed'),
  page('/ui/events', 'events', 200, 'text/event-stream; charset=utf-8'),
];

describe('29 api-contract: the dashboard answers with its documented headers and statuses', () => {
  it('passes the documented headers, types and statuses (CSP directives in any order)', () => {
    const h = new H();
    const reordered = { 'content-security-policy': "frame-ancestors 'none'; img-src data: 'self'; default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'" };
    h.at(1).rec.recordInfo({ uiPages: [...GOOD_PAGES, page('/ui/', 'html', 200, 'text/html', reordered)] });
    expect(messages(h)).toEqual([]);
  });

  it('reports a page served without the security headers, a framable or loosened CSP, a wrong type and a wrong status', () => {
    const h = new H();
    const bare: UiPageRead = { method: 'GET', path: '/ui/assets/app.js', expect: 'js', status: 200, headers: { 'content-type': 'text/javascript' } };
    const framable = page('/ui', 'html', 200, 'text/html', { 'content-security-policy': "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'" });
    h.at(1).rec.recordInfo({ uiPages: [bare, framable, page('/ui/assets/style.css', 'css', 200, 'text/plain'), page('/ui/graph/nope', 'not_found', 200, 'application/json'), page('/ui', 'method', 405, 'application/json', {}, 'method_not_allowed')] });
    expect(messages(h)).toEqual([
      expect.stringMatching(/^GET \/ui\/assets\/app.js \(dashboard, t=1\) was answered with no Content-Security-Policy \(documented: .*frame-ancestors 'none'\)/),
      expect.stringMatching(/app.js .* with x-content-type-options null, documented nosniff/),
      expect.stringMatching(/app.js .* with referrer-policy null, documented no-referrer/),
      expect.stringMatching(/app.js .* with cache-control null, documented no-store/),
      expect.stringMatching(/^GET \/ui \(dashboard, t=1\) was answered with Content-Security-Policy script-src 'self' 'unsafe-inline', documented script-src 'self'/),
      expect.stringMatching(/^GET \/ui \(dashboard, t=1\) was answered with a Content-Security-Policy without frame-ancestors \(documented: frame-ancestors 'none'\)/),
      expect.stringMatching(/^GET \/ui\/assets\/style.css .* was typed "text\/plain": documented text\/css/),
      expect.stringMatching(/^GET \/ui\/graph\/nope .* was answered 200, documented 404 not_found/),
      expect.stringMatching(/^POST \/ui .* carried Allow null: a 405 names the methods the dashboard serves \(GET, HEAD\)/),
    ]);
  });
});

/**
 * Listed: a0 -> a1 -> j (a join also waiting on z0, outside a's graph); a0 -> d1, d2 -> d3 (a diamond); f0 failed, f1 depending on it; u alone.
 */
const LISTED: UiListed = {
  items: [
    ['a0', 'completed', []],
    ['a1', 'completed', ['a0']],
    ['z0', 'running', []],
    ['j', 'scheduled', ['a1', 'z0']],
    ['d1', 'completed', ['a0']],
    ['d2', 'completed', ['a0']],
    ['d3', 'completed', ['d1', 'd2']],
    ['f0', 'failed', []],
    ['f1', 'failed', ['f0']],
    ['u', 'completed', []],
  ],
  more: false,
};
const status = new Map((LISTED as { items: [string, string, string[]][] }).items.map(([id, s]) => [id, s]));
const graphOf = (id: string, drop: string[] = []): UiGraphRead => {
  const deps = new Map((LISTED as { items: [string, string, string[]][] }).items.map(([i, , d]) => [i, d]));
  const g = expectedGraph(deps, id)!;
  const nodes = [...g.nodes].filter((n) => !drop.includes(n));
  const edges = [...g.edges].map((e) => e.split('>') as [string, string]).filter(([a, b]) => !drop.includes(a) && !drop.includes(b));
  return { id, status: 200, nodes, edges, statuses: nodes.map((n) => status.get(n)!) };
};
const read = (h: H, graphs: UiGraphRead[], listed: UiListed = LISTED): void => void h.rec.recordInfo({ uiGraphs: graphs, uiListed: listed });

describe('29 api-contract: /ui/graph/:id holds what the listed dependencies give', () => {
  it('computes upstream transitively and every dependent of a shown node, joins with an outside dependency included', () => {
    const deps = new Map((LISTED as { items: [string, string, string[]][] }).items.map(([i, , d]) => [i, d]));
    expect([...expectedGraph(deps, 'a1')!.nodes].sort()).toEqual(['a0', 'a1', 'd1', 'd2', 'd3', 'j']);
    expect([...expectedGraph(deps, 'j')!.nodes].sort()).toEqual(['a0', 'a1', 'd1', 'd2', 'd3', 'j', 'z0']);
    expect([...expectedGraph(deps, 'f1')!.nodes].sort()).toEqual(['f0', 'f1']);
    expect(expectedGraph(deps, 'nope')).toBeUndefined();
  });

  it('passes graphs as documented, and a 404 for an id the API does not list', () => {
    const h = new H();
    read(h.at(1), [graphOf('a1'), graphOf('j'), graphOf('d3'), graphOf('f0'), graphOf('u'), { id: 'gone', status: 404, nodes: [], edges: [] }]);
    expect(messages(h)).toEqual([]);
  });

  it('reports a join left out with its edges, an extra node and edge, a stale status and wrong statuses', () => {
    const h = new H();
    const extra = graphOf('f1');
    read(h.at(1), [
      graphOf('a1', ['j']),
      { ...extra, nodes: [...extra.nodes, 'u'], edges: [...extra.edges, ['u', 'f1']], statuses: [...(extra.statuses ?? []), 'completed'] },
      { ...graphOf('d1'), statuses: graphOf('d1').nodes.map(() => 'completed') },
      { id: 'u', status: 404, nodes: [], edges: [] },
      { id: 'gone', status: 200, nodes: ['gone'], edges: [] },
    ]);
    expect(messages(h)).toEqual([
      expect.stringMatching(/^GET \/ui\/graph\/a1 \(t=1\) misses j \(depends on a1, z0\): the graph holds a1's dependencies transitively and every execution depending on any shown node, whatever else it waits on/),
      expect.stringMatching(/^GET \/ui\/graph\/f1 \(t=1\) shows u: neither a dependency of f1/),
      expect.stringMatching(/^GET \/ui\/graph\/f1 \(t=1\) draws the edge\(s\) \[u, f1\], which no listed dependency gives/),
      expect.stringMatching(/^GET \/ui\/graph\/d1 \(t=1\) shows j completed, listed scheduled at the same instant/),
      expect.stringMatching(/^GET \/ui\/graph\/u \(t=1\) was answered 404: the API lists u, so its graph is 200/),
      expect.stringMatching(/^GET \/ui\/graph\/gone \(t=1\) was answered 200: an id the API does not list is 404 not_found/),
    ]);
  });

  it('reports an edge missing between two shown nodes; judges nothing against a listing past one page', () => {
    const h = new H();
    const g = graphOf('d2');
    read(h.at(1), [{ ...g, edges: g.edges.filter(([a, b]) => !(a === 'd1' && b === 'd3')) }]);
    expect(messages(h)).toEqual([expect.stringMatching(/^GET \/ui\/graph\/d2 \(t=1\) lacks the edge\(s\) \[d1, d3\]: every dependency between two shown nodes/)]);
    const more = new H();
    read(more.at(1), [graphOf('a1', ['j'])], { ...(LISTED as { items: [string, string, string[]][] }), more: true });
    expect(messages(more)).toEqual([]);
  });

  it('reports a graph past 200 nodes or with a node twice, whatever the listing; 200 distinct nodes pass', () => {
    const fan = (n: number): [string, string, string[]][] => [['r', 'failed', []], ...Array.from({ length: n }, (_, i): [string, string, string[]] => [`x${i}`, 'failed', ['r']])];
    const answer = (ids: string[]): UiGraphRead => ({ id: 'r', status: 200, nodes: ids, edges: ids.slice(1).map((x): [string, string] => ['r', x]), statuses: ids.map(() => 'failed') });
    const ids = (n: number): string[] => fan(n).map(([id]) => id);
    const good = new H();
    read(good.at(1), [answer(ids(199))], { items: fan(300), more: false });
    expect(messages(good)).toEqual([]);
    for (const more of [false, true]) {
      const h = new H();
      read(h.at(1), [answer(ids(300)), { ...answer([...ids(20), 'x3']), id: 'x0' }], { items: fan(300), more });
      expect(messages(h)).toEqual([
        expect.stringMatching(/^GET \/ui\/graph\/r \(t=1\) answered 301 nodes: a graph shows at most 200 nodes, each once/),
        expect.stringMatching(/^GET \/ui\/graph\/x0 \(t=1\) answered 22 nodes, 1 of them repeated: a graph shows at most 200 nodes, each once/),
      ]);
    }
  });
});
