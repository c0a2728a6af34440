// Draws a task graph (nodes with dependencies) as SVG, locally: layers by
// longest path from the roots, nodes ordered within a layer to keep edges
// short, edges as curves with arrowheads, colours by status.
const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Layer index of each node: 0 for nodes without (known) dependencies. */
function layers(nodes, edges) {
  const deps = new Map(nodes.map((n) => [n.id, []]));
  for (const [from, to] of edges) deps.get(to)?.push(from);
  const depth = new Map();
  const visit = (id, seen) => {
    if (depth.has(id)) return depth.get(id);
    if (seen.has(id)) return 0;
    seen.add(id);
    const d = Math.max(-1, ...(deps.get(id) ?? []).map((p) => visit(p, seen))) + 1;
    depth.set(id, d);
    return d;
  };
  for (const n of nodes) visit(n.id, new Set());
  return depth;
}

/**
 * Returns an <svg> of the graph. `nodes`: [{id, label, sub, status}], `edges`:
 * [[fromId, toId]] (from = dependency). `selected` is outlined; `onPick(id)` on click.
 */
export function drawGraph(nodes, edges, { selected, onPick } = {}) {
  const depth = layers(nodes, edges);
  const cols = [];
  for (const n of nodes) (cols[depth.get(n.id)] ??= []).push(n);
  const pos = new Map();
  cols.forEach((col, x) => {
    if (x > 0) {
      const avg = (n) => {
        const ys = edges.filter(([, to]) => to === n.id).map(([f]) => pos.get(f)?.y ?? 0);
        return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : 0;
      };
      col.sort((a, b) => avg(a) - avg(b));
    }
    col.forEach((n, y) => pos.set(n.id, { x, y }));
  });
  const W = 168, H = 46, GX = 64, GY = 18, PAD = 12;
  const rows = Math.max(1, ...cols.map((c) => c?.length ?? 0));
  const width = PAD * 2 + cols.length * W + (cols.length - 1) * GX;
  const height = PAD * 2 + rows * H + (rows - 1) * GY;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'graph', role: 'img', 'aria-label': `task graph of ${nodes.length} executions` });
  const defs = svg('defs', {});
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }));
  defs.append(marker);
  root.append(defs);
  const at = (id) => {
    const p = pos.get(id);
    const colSize = cols[p.x].length;
    const offset = ((rows - colSize) * (H + GY)) / 2;
    return { x: PAD + p.x * (W + GX), y: PAD + offset + p.y * (H + GY) };
  };
  for (const [from, to] of edges) {
    if (!pos.has(from) || !pos.has(to)) continue;
    const a = at(from), b = at(to);
    const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2;
    const mx = (x1 + x2) / 2;
    root.append(svg('path', { d: `M ${x1} ${y1} C ${mx} ${y1}, ${mx} ${y2}, ${x2 - 2} ${y2}`, class: 'edge', 'marker-end': 'url(#arrow)' }));
  }
  for (const n of nodes) {
    const p = at(n.id);
    const g = svg('g', { class: `node ${n.status}${n.id === selected ? ' selected' : ''}`, transform: `translate(${p.x},${p.y})`, tabindex: 0, 'data-id': n.id });
    g.append(svg('title', {}, `${n.id} · ${n.status}`));
    g.append(svg('rect', { width: W, height: H, rx: 8 }));
    g.append(svg('text', { x: 10, y: 19, class: 'label' }, (n.label ?? n.id).slice(0, 22)));
    g.append(svg('text', { x: 10, y: 36, class: 'sub' }, `${n.sub ?? ''}${n.sub ? ' · ' : ''}${n.status}`.slice(0, 26)));
    if (onPick) g.addEventListener('click', () => onPick(n.id));
    root.append(g);
  }
  return root;
}
