/**
 * Dependency-graph helpers that never touch their input: cycle detection that
 * names the cycle ("a -> b -> a") and a topological order. (The original
 * engine emptied the caller's graph in place while sorting and then read the
 * dependencies back from it; these functions only read.)
 */

/** Edges: node -> the nodes it depends on. Read-only. */
export type DependencyMap = ReadonlyMap<string, readonly string[]>;

/** The first cycle found (nodes in order, first repeated at the end), or undefined. */
export function findCycle(graph: DependencyMap): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  for (const start of graph.keys()) {
    if (state.has(start)) continue;
    // Iterative DFS: frames of (node, next dependency index).
    const frames: { node: string; i: number }[] = [{ node: start, i: 0 }];
    state.set(start, 'visiting');
    stack.push(start);
    while (frames.length > 0) {
      const top = frames[frames.length - 1] as { node: string; i: number };
      const deps = graph.get(top.node) ?? [];
      if (top.i >= deps.length) {
        state.set(top.node, 'done');
        stack.pop();
        frames.pop();
        continue;
      }
      const dep = deps[top.i++] as string;
      if (!graph.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'visiting') return [...stack.slice(stack.indexOf(dep)), dep];
      if (s === undefined) {
        state.set(dep, 'visiting');
        stack.push(dep);
        frames.push({ node: dep, i: 0 });
      }
    }
  }
  return undefined;
}

/**
 * Nodes ordered so every node comes after its dependencies (Kahn's algorithm,
 * ties in the graph's own key order). Throws if there is a cycle; call
 * findCycle first for a good message.
 */
export function topologicalOrder(graph: DependencyMap): string[] {
  const remaining = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const [node, deps] of graph) {
    const inGraph = [...new Set(deps)].filter((d) => graph.has(d));
    remaining.set(node, inGraph.length);
    for (const d of inGraph) {
      const list = dependents.get(d) ?? [];
      list.push(node);
      dependents.set(d, list);
    }
  }
  const order: string[] = [];
  const ready = [...graph.keys()].filter((n) => remaining.get(n) === 0);
  for (let i = 0; i < ready.length; i++) {
    const node = ready[i] as string;
    order.push(node);
    for (const dep of dependents.get(node) ?? []) {
      const left = (remaining.get(dep) ?? 0) - 1;
      remaining.set(dep, left);
      if (left === 0) ready.push(dep);
    }
  }
  if (order.length !== graph.size) throw new Error('topologicalOrder: the graph has a cycle');
  return order;
}
