/**
 * Deliberately broken variants for blind set 19's workers configured and
 * stopped the ways users do (tests/sim/broken-worker19.test.ts). Test
 * doubles only: wired in through SimWiring's onWorker hook.
 */
import { IllegalStateError } from '../../../system/core/errors.js';
import type { HttpHandler } from '../../../system/core/index.js';
import { OutPriority, type Outbox, type OutMessage } from '../../../system/worker/outbox.js';
import type { Worker } from '../../../system/worker/worker.js';

/** The worker internals the variants below reach into. */
interface Internals {
  sm: { state: string; transition(to: string): void };
  outbox: Outbox;
}

/** Set 19 #17: the state table forgets syncing → draining, so a drain that lands while syncing throws at the sync_result. */
export function noDrainWhileSyncing(_id: string, w: Worker): void {
  const sm = (w as unknown as Internals).sm;
  const original = sm.transition.bind(sm);
  sm.transition = (to: string): void => {
    if (sm.state === 'syncing' && to === 'draining') throw new IllegalStateError('illegal worker transition syncing -> draining');
    original(to);
  };
}

/** Set 19 #28: a disconnect also discards a queued drain with the stale heartbeats. */
export function dropsQueuedDrain(_id: string, w: Worker): void {
  const outbox = (w as unknown as Internals).outbox;
  const original = outbox.onDisconnect.bind(outbox);
  outbox.onDisconnect = (): void => {
    original();
    const queues = (outbox as unknown as { queues: Array<OutMessage[] | undefined> | undefined }).queues;
    const q = queues?.[OutPriority.control];
    if (q === undefined) return;
    for (let i = q.length - 1; i >= 0; i--) if (q[i]?.type === 'drain') q.splice(i, 1);
  };
}

/** Set 19 #15: the default backoff cap lowered to initialMs instead of raised: a worker given no maxMs never grows its delay. */
export function capsAtInitialDelay(_id: string, w: Worker): void {
  const inner = w as unknown as { config: { backoff: { initialMs: number; maxMs: number } } };
  const b = inner.config.backoff;
  // The documented default cap (10 000 ms) stands for "no maxMs given".
  if (b.maxMs === 10_000 && b.initialMs < b.maxMs) inner.config = { ...inner.config, backoff: { ...b, maxMs: b.initialMs } };
}

/** Set 19 #16: the worker replaces any path of its coordinator URL with /ws (a reverse proxy's /squall/ws is dialled at /ws). */
export function replacesUrlPath(_id: string, w: Worker): void {
  const inner = w as unknown as { config: { coordinatorUrl: string } };
  const url = new URL(inner.config.coordinatorUrl);
  url.pathname = '/ws';
  inner.config = { ...inner.config, coordinatorUrl: url.toString() };
}

/** GET /api/v1/workers never lists a worker draining (the registry's view forgets the flag the assignment loop reads). Wired in through SimWiring.wrapHttp. */
export function workersNeverDraining(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    if (req.method !== 'GET' || req.path !== '/api/v1/workers' || res.status !== 200) return res;
    const body = JSON.parse(res.body) as { workers?: Record<string, unknown>[] };
    return { ...res, body: JSON.stringify({ ...body, workers: (body.workers ?? []).map((w) => ({ ...w, draining: false })) }) };
  };
}
