/**
 * The dashboard's graph view read at the end of a simulated run: GET
 * /ui/graph/<id> (read token, as the dashboard sends it) for the run's
 * dependent executions (at most MAX_READS), each answer's nodes and edges
 * noted (`uiGraphs`). harness/check/promises-api-echoes.ts holds the edges
 * to the dependencies the client submitted.
 */
import type { Coordinator } from '../../system/coordinator/index.js';
import type { UiGraphRead } from '../check/promises-api-echoes.js';
import { handlerCall } from './sim-client.js';

/** Enough graphs to see every shape of a run, few enough to stay cheap. */
const MAX_READS = 12;

/** The graph reads of `ids`' dependent executions; empty when the run has none. */
export async function readUiGraphs(c: Coordinator, token: string, ids: readonly string[]): Promise<UiGraphRead[]> {
  const dependents = ids.filter((id) => (c.engine.getExecution(id)?.dependencies.length ?? 0) > 0).slice(0, MAX_READS);
  const out: UiGraphRead[] = [];
  for (const id of dependents) {
    const r = await handlerCall(c)({ method: 'GET', path: `/ui/graph/${encodeURIComponent(id)}`, headers: { authorization: `Bearer ${token}` } });
    const b = r.body as { nodes?: { id?: unknown }[]; edges?: unknown[] } | null;
    const edges = (Array.isArray(b?.edges) ? b.edges : []).filter((e): e is [string, string] => Array.isArray(e) && e.length === 2).map(([a, d]): [string, string] => [String(a), String(d)]);
    out.push({ id, status: r.status, nodes: (b?.nodes ?? []).map((n) => String(n.id)), edges });
  }
  return out;
}
