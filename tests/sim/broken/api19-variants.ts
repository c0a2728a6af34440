/**
 * Blind set 19's "numbers and identities the API reports" (#05, #07, #11,
 * #14), each injected through a seam: the HTTP handler (a request's
 * x-squall-client looked up under a spelling node never delivers; each
 * worker's rttMs in seconds) or an engine subclass (a stats window that
 * stops rolling; stats `running` counting every lease).
 */
import type { HttpHandler } from '../../../system/core/index.js';
import { percentileOfSorted } from '../../../system/core/stats.js';
import { Engine } from '../../../system/engine/index.js';
import { StatsCollector } from '../../../system/engine/stats.js';
import { engineFactoryOf } from './variants.js';

/** #05: the quota never sees x-squall-client (looked up capitalised; node lower-cases names): every request counts against its address. */
export function clientHeaderUnseen(handle: HttpHandler): HttpHandler {
  return (req) => {
    const headers = { ...req.headers };
    delete headers['x-squall-client'];
    return handle({ ...req, headers });
  };
}

/** #07: GET /api/v1/workers gives each worker's round trip in seconds under rttMs (3 decimals, as the entry stores it). */
export function rttInSeconds(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    if (req.method !== 'GET' || req.path !== '/api/v1/workers' || res.status !== 200) return res;
    const body = JSON.parse(res.body) as { workers: { rttMs: number | null }[] };
    for (const w of body.workers) if (w.rttMs !== null) w.rttMs = Math.round(w.rttMs) / 1000;
    return { ...res, body: JSON.stringify(body) };
  };
}

/**
 * #11: once the duration ring is full every completion overwrites one slot (the write index stops):
 * the percentiles keep the first samples. The real collector's counts, its percentiles from a ring of its own.
 */
class FrozenWindowStats extends StatsCollector {
  private readonly ring: number[] = [];
  private slot = 0;
  constructor(private readonly cap: number) {
    super(cap);
  }
  override onTransition(...args: Parameters<StatsCollector['onTransition']>): void {
    super.onTransition(...args);
    const [rec, , to, terminal] = args;
    if (!terminal || to !== 'completed' || rec.startedAt === undefined || rec.completedAt === undefined) return;
    const ms = Math.max(0, rec.completedAt - rec.startedAt);
    if (this.ring.length < this.cap) {
      this.ring.push(ms);
      this.slot = (this.slot + 1) % this.cap;
    } else this.ring[this.slot] = ms;
  }
  override percentiles(): { p50: number | null; p95: number | null; samples: number } {
    const sorted = [...this.ring].sort((a, b) => a - b);
    return { p50: percentileOfSorted(sorted, 50), p95: percentileOfSorted(sorted, 95), samples: sorted.length };
  }
}

class FrozenWindowEngine extends Engine {
  protected override createStats(samples: number): StatsCollector {
    return new FrozenWindowStats(samples);
  }
}

/** #14: GET /api/v1/stats' running counts every leased execution, preparing included. */
class RunningCountsLeasesEngine extends Engine {
  override getExecutionStats(): Record<string, unknown> {
    const s = super.getExecutionStats();
    return { ...s, running: s.inFlight };
  }
}

/**
 * The #14 class on GET /api/v1/workers: each worker's `running` from a load figure cached between reads
 * (the previous answer's), so the listing's leases lag the engine's (a view that stopped following the work).
 */
export function workerLoadCached(handle: HttpHandler): HttpHandler {
  const last = new Map<string, number>();
  return async (req) => {
    const res = await handle(req);
    if (req.method !== 'GET' || req.path !== '/api/v1/workers' || res.status !== 200) return res;
    const body = JSON.parse(res.body) as { workers: { id: string; running: number }[] };
    for (const w of body.workers) {
      const now = w.running;
      w.running = last.get(w.id) ?? 0;
      last.set(w.id, now);
    }
    return { ...res, body: JSON.stringify(body) };
  };
}

export const frozenWindow = engineFactoryOf(FrozenWindowEngine);
export const runningCountsLeases = engineFactoryOf(RunningCountsLeasesEngine);
