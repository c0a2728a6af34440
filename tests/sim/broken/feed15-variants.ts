/**
 * Blind set 15's "fields nobody reads" class as broken variants
 * (tests/sim/broken-feed15.test.ts), each injected through a seam: task
 * kinds whose result numbers are wrong (a worker's deps), an event hub
 * that slices a late stream's events from the wrong place (its prototype,
 * for one run), stats and a listing that count the wrong thing (the
 * engine factory, the HTTP handler).
 */
import { EventHub, type FeedEvent } from '../../../system/coordinator/ui/event-hub.js';
import type { HttpHandler } from '../../../system/core/index.js';
import { Engine } from '../../../system/engine/engine.js';
import type { TaskKind } from '../../../system/tasks/kind.js';
import type { WorkerDeps } from '../../../system/worker/worker-types.js';

/** Replaces one kind of a worker's deps by `make(real)`. */
function withKind(deps: WorkerDeps, name: string, make: (real: TaskKind<unknown>) => TaskKind<unknown>['run']): WorkerDeps {
  const real = deps.taskKinds.get(name);
  if (real === undefined) return deps;
  const kinds = new Map(deps.taskKinds);
  kinds.set(name, { ...real, run: make(real) });
  return { ...deps, taskKinds: kinds };
}

/** Set 15 #29: the cpu kind measures tookMs as the wall clock's now() minus a monotonic start. */
export function cpuTookFromTwoClocks(_id: string, deps: WorkerDeps): WorkerDeps {
  return withKind(deps, 'cpu', () => async (params, ctx) => {
    const { ms } = params as { ms: number };
    const t0 = ctx.clock.monotonic();
    await ctx.cpu.burn(ms, ctx.signal);
    return { ms, tookMs: ctx.clock.now() - t0 };
  });
}

/** A sleep resumed from a checkpoint reports as elapsed only what this attempt slept (elapsedMs = sleptMs). */
export function sleepElapsedOfAttempt(_id: string, deps: WorkerDeps): WorkerDeps {
  return withKind(deps, 'sleep', (real) => async (params, ctx) => {
    const r = (await real.run(params, ctx)) as { sleptMs?: number; elapsedMs?: number };
    return r.sleptMs === undefined ? r : { ...r, elapsedMs: r.sleptMs };
  });
}

/** The hub's private slicer as this variant reaches it. */
type Since = (this: EventHub, first: number) => { events: FeedEvent[]; dropped: number };
interface HubInternals {
  since: Since;
  pending: FeedEvent[];
  windowStart: number;
  dropped: number;
}

/** Set 15 #25: a stream that attached mid-window is sliced from the window's start, not from the first event the burst limit kept. */
export async function withHubSlicingFromWindowStart<T>(body: () => Promise<T>): Promise<T> {
  const proto = EventHub.prototype as unknown as HubInternals;
  const original = proto.since;
  proto.since = function (this: EventHub, first: number) {
    const hub = this as unknown as HubInternals;
    const keptFrom = hub.windowStart + hub.dropped;
    return { events: hub.pending.slice(Math.max(0, first - hub.windowStart)), dropped: Math.max(0, keptFrom - Math.max(first, hub.windowStart)) };
  };
  try {
    return await body();
  } finally {
    proto.since = original;
  }
}

/** The stats' timedOut counts timed-out executions, not timed-out attempts (a retried timeout is lost). */
export class TimedOutExecutionsEngine extends Engine {
  override getExecutionStats(): Record<string, unknown> {
    let timedOut = 0;
    for (const r of this.records.values()) if (r.status === 'timeout') timedOut += 1;
    return { ...super.getExecutionStats(), timedOut };
  }
}

/** The listing's attempts counts the retries (retrying entries of the status history), one short of the attempts. */
export function attemptsAsRetries(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    if (req.method !== 'GET' || req.path !== '/api/v1/executions' || res.status !== 200) return res;
    const body = JSON.parse(res.body) as { executions?: { attempts?: number; statusHistory?: { status?: string }[] }[] };
    for (const e of body.executions ?? []) e.attempts = (e.statusHistory ?? []).filter((h) => h.status === 'retrying').length;
    return { ...res, body: JSON.stringify(body) };
  };
}
