/**
 * Broken variants for blind set 18's data-shape misses (#08, #09, #18),
 * injected through seams (the coordinator's HTTP handler, the workers'
 * task kinds, the engine), never a patch: tests/sim/broken-data18.test.ts.
 */
import type { HttpHandler, HttpRequest } from '../../../system/core/index.js';
import { ErrorCode, SquallError } from '../../../system/core/errors.js';
import { Engine } from '../../../system/engine/engine.js';

/** JSON.stringify with `v`'s own top-level keys, sorted, as the replacer array: a whitelist at every depth. */
const topLevelOnly = (v: unknown): string => JSON.stringify(v, v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).sort() : undefined);

/**
 * #08: an idempotent repeat's params and metadata compared through a replacer
 * array of top-level keys, which also whitelists nested members: a repeat
 * whose params or metadata differ only deep inside is taken for the key's
 * execution (200) instead of a 409 conflict.
 */
export class ShallowKeyCompareEngine extends Engine {
  override submitTask(spec: Parameters<Engine['submitTask']>[0]): ReturnType<Engine['submitTask']> {
    const held = spec.idempotencyKey === undefined ? undefined : this.byKey.get(spec.idempotencyKey);
    const rec = held === undefined ? undefined : this.records.get(held);
    if (rec === undefined) return super.submitTask(spec);
    const same = (a: unknown, b: unknown): boolean => topLevelOnly(a) === topLevelOnly(b ?? {});
    return super.submitTask({ ...spec, ...(same(rec.params, spec.params) ? { params: rec.params } : {}), ...(same(rec.metadata, spec.metadata) ? { metadata: rec.metadata } : {}) });
  }
}

/**
 * #08's neighbour: params and metadata compared as JSON text in the order
 * sent, so a repeat with its members in another order (the same request) is
 * refused 409 conflict.
 */
export class KeyOrderStrictEngine extends Engine {
  override submitTask(spec: Parameters<Engine['submitTask']>[0]): ReturnType<Engine['submitTask']> {
    const held = spec.idempotencyKey === undefined ? undefined : this.byKey.get(spec.idempotencyKey);
    const rec = held === undefined ? undefined : this.records.get(held);
    for (const f of ['params', 'metadata'] as const) {
      if (rec !== undefined && JSON.stringify(rec[f]) !== JSON.stringify(spec[f] ?? {})) {
        return Promise.reject(new SquallError(ErrorCode.Conflict, `idempotencyKey ${JSON.stringify(spec.idempotencyKey)} is already used by execution ${held} with a different ${f}`, { path: 'idempotencyKey' }));
      }
    }
    return super.submitTask(spec);
  }
}

/**
 * #09: GET /ui/graph/:id with no node limit: the answer is the execution's
 * whole graph (its dependencies transitively, then every execution depending
 * on a shown node, transitively), however many nodes, computed from the
 * listing read through the same handler with the request's token.
 */
export function graphUnbounded(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    if (!req.path.startsWith('/ui/graph/') || res.status !== 200) return res;
    const listed = await handle({ ...req, path: '/api/v1/executions', query: new URLSearchParams({ limit: '1000' }) } satisfies HttpRequest);
    const all = (JSON.parse(listed.body) as { executions: { executionId: string; kind: string; status: string; taskId: string; dependencies: string[] }[] }).executions;
    const byId = new Map(all.map((e) => [e.executionId, e]));
    const root = decodeURIComponent(req.path.slice('/ui/graph/'.length));
    const nodes = new Set([root]);
    for (const queue = [root]; queue.length > 0; ) {
      for (const d of byId.get(queue.shift()!)?.dependencies ?? []) {
        if (!byId.has(d) || nodes.has(d)) continue;
        nodes.add(d);
        queue.push(d);
      }
    }
    for (let grew = true; grew; ) {
      grew = false;
      for (const e of all) {
        if (nodes.has(e.executionId) || !e.dependencies.some((d) => nodes.has(d))) continue;
        nodes.add(e.executionId);
        grew = true;
      }
    }
    const shown = [...nodes].flatMap((id) => byId.get(id) ?? []);
    const edges = shown.flatMap((e) => e.dependencies.filter((d) => nodes.has(d)).map((d) => [d, e.executionId]));
    return { ...res, body: JSON.stringify({ nodes: shown.map((e) => ({ id: e.executionId, kind: e.kind, status: e.status, taskId: e.taskId })), edges }) };
  };
}
