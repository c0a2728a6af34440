/**
 * Submission order among executions created by one request in one
 * millisecond (promise 21's FIFO, promises-fifo.ts): createdAt cannot order
 * them, the request does. A batch's executions are created in its array
 * order; a graph's in its topological order, ties in the graph's own key
 * order (Kahn's algorithm taking ready nodes first in, first out:
 * system/engine/graph.ts topologicalOrder; README promise 21). The
 * client's request is what the harness recorded when it submitted (invoke
 * `dependsOn`, positions in the ok's executionIds, which follow the graph's
 * key order), so a system that orders a graph otherwise is judged against
 * the request, not against itself.
 */
import type { HistoryView } from './view.js';

/** An execution's place in the request that created it: which acknowledgement, and its rank there. */
export interface SubmissionPlace {
  /** Record index of the acknowledgement (one request). */
  ok: number;
  rank: number;
}

/**
 * Kahn's order of a graph given each node's dependencies as positions (key
 * order), ready nodes taken first in, first out, ties in key order: the rank
 * of each position. Positions out of range are ignored; a cycle leaves its
 * nodes unranked.
 */
export function graphRanks(dependsOn: readonly (readonly number[])[]): Map<number, number> {
  const n = dependsOn.length;
  const remaining = dependsOn.map((deps) => new Set(deps.filter((d) => d >= 0 && d < n)).size);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  dependsOn.forEach((deps, node) => {
    for (const d of new Set(deps)) if (d >= 0 && d < n) (dependents[d] as number[]).push(node);
  });
  const ready = remaining.flatMap((r, node) => (r === 0 ? [node] : []));
  const rank = new Map<number, number>();
  for (let i = 0; i < ready.length; i++) {
    const node = ready[i] as number;
    rank.set(node, i);
    for (const dep of dependents[node] ?? []) {
      remaining[dep] = (remaining[dep] ?? 0) - 1;
      if (remaining[dep] === 0) ready.push(dep);
    }
  }
  return rank;
}

/** Each execution a batch or graph created, with its place in that request (the first acknowledgement naming it). */
export function submissionPlaces(view: HistoryView): Map<string, SubmissionPlace> {
  const out = new Map<string, SubmissionPlace>();
  for (const rec of view.records) {
    if (rec.f !== 'submit' || rec.type !== 'ok' || !Array.isArray(rec.value.executionIds)) continue;
    const ids = rec.value.executionIds as unknown[];
    if (ids.length < 2) continue;
    const invoke = typeof rec.value.invoke === 'number' ? view.records[rec.value.invoke] : undefined;
    const deps = invoke?.value.dependsOn;
    const ranks = Array.isArray(deps) ? graphRanks(deps as number[][]) : new Map(ids.map((_, i) => [i, i]));
    ids.forEach((id, i) => {
      const rank = ranks.get(i);
      if (typeof id === 'string' && rank !== undefined && !out.has(id)) out.set(id, { ok: rec.index, rank });
    });
  }
  return out;
}
