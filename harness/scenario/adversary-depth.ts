/**
 * The HTTP adversary's depth probes (part of attack `http-scopes`): the
 * README ("Limits") says JSON bodies nest at most MAX_JSON_DEPTH (64) levels
 * and a deeper one is refused 400 naming the path where the limit was
 * crossed. Like the frames at exactly maxFrameBytes (adversary-frames.ts),
 * the boundary is probed on both sides: a body nested exactly at the limit
 * and one level past it, after a one-level body of the same shape for
 * reference, all POSTed to .../cancel of an id nothing has (so nothing
 * changes: the body's schema refuses the unknown field). The one at the limit
 * must be answered exactly as the reference is (the depth check lets it
 * through), the one past it refused 400 naming the path where the limit was
 * crossed. Each exchange is recorded as an `httpDepth` note ({levels, limit,
 * status, code?, path?}); promise 29 judges them
 * (harness/check/promises-json-depth.ts).
 */
import type { HistoryRecorder } from '../check/history.js';
import { HTTP_ADVERSARY } from '../check/api-scopes.js';
import { MAX_JSON_DEPTH } from '../../system/core/index.js';
import type { Simulation } from '../sim/index.js';
import { handlerCall, type SimClient } from './sim-client.js';

/** `levels` objects nested in one another, `{"a":{"a":…{"a":1}…}}`. */
function nestedJson(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

function errorOf(body: unknown): { code?: string; path?: string } {
  const e = (body as { error?: { code?: unknown; path?: unknown } } | null)?.error;
  return { ...(typeof e?.code === 'string' ? { code: e.code } : {}), ...(typeof e?.path === 'string' ? { path: e.path } : {}) };
}

/** The reference body, then one at the depth limit and one level past it, with the submit token. Skipped while the coordinator is down. */
export async function probeDepth(sim: Simulation, client: SimClient, recorder: HistoryRecorder): Promise<void> {
  for (const levels of [1, MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1]) {
    const c = sim.coordinator.instance;
    if (c === null) return;
    const headers = { authorization: `Bearer ${client.probe.submit}`, 'content-type': 'application/json' };
    const res = await handlerCall(c)({ method: 'POST', path: '/api/v1/executions/probe-unknown-id/cancel', headers, body: nestedJson(levels) });
    recorder.recordInfo({ httpDepth: { levels, limit: MAX_JSON_DEPTH, status: res.status, ...errorOf(res.body) } }, HTTP_ADVERSARY);
  }
}
