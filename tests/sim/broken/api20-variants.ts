/**
 * Broken variants of blind set 20's API and metrics contract misses (#03,
 * #13, #15, #26; #28 is planted by vi.mock in tests/sim/broken-api20.test.ts),
 * injected through the simulation's seams (SimWiring.wrapHttp around the
 * coordinator's HTTP handler, engineFactory for the engine, the coordinator's
 * default table), never a patch.
 */
import { COORDINATOR_DEFAULTS } from '../../../system/coordinator/index.js';
import type { HttpHandler } from '../../../system/core/index.js';
import type { ExecutionRecord } from '../../../system/core/model.js';
import { Engine } from '../../../system/engine/engine.js';
import { snapshot } from '../../../system/engine/records.js';

/** #03: squall_rtt_estimate_seconds observed in milliseconds: its sum 1000x (as every bucket's observations). */
export function rttEstimateInMs(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    if (req.method !== 'GET' || req.path !== '/metrics' || res.status !== 200) return res;
    return { ...res, body: res.body.replace(/^(squall_rtt_estimate_seconds_sum) (\S+)$/m, (_l, name: string, v: string) => `${name} ${Number(v) * 1000}`) };
  };
}

/** #13: a token made by POST /api/v1/tokens answered 200, not 201. */
export function tokenCreated200(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    return req.method === 'POST' && req.path === '/api/v1/tokens' && res.status === 201 ? { ...res, status: 200 } : res;
  };
}

/** #15: a pause of an execution already paused is no no-op: it writes paused -> paused again. */
export class RepausingEngine extends Engine {
  override async pauseExecution(executionId: string): Promise<ExecutionRecord> {
    const rec = this.mustGet(executionId);
    if (rec.status !== 'paused') return super.pauseExecution(executionId);
    await this.transition(rec, 'paused', 'pause requested');
    return snapshot(rec);
  }
}

/** #26: the coordinator's default frame limit 1,000,000 bytes, not 1 MiB (a plant for withPlanted: returns its undo). */
export function frameDefaultDecimal(): () => void {
  const defaults = COORDINATOR_DEFAULTS as { maxFrameBytes: number };
  const real = defaults.maxFrameBytes;
  defaults.maxFrameBytes = 1000 * 1000;
  return () => void (defaults.maxFrameBytes = real);
}
