/**
 * The HTTP adversary's depth probes (part of attack `http-scopes`): the
 * README ("Limits") says JSON bodies nest at most MAX_JSON_DEPTH (64) levels
 * and a deeper one is refused 400 naming the path where the limit was
 * crossed. Like the frames at exactly maxFrameBytes (adversary-frames.ts),
 * the boundary is probed on both sides: a body nested exactly at the limit
 * and one level past it, after a one-level body of the same shape for
 * reference, nesting through objects, through arrays, and through both in
 * turn, all POSTed to .../cancel of an id nothing has (so nothing
 * changes: the body's schema refuses the unknown field). The one at the limit
 * must be answered exactly as the reference is (the depth check lets it
 * through), the one past it refused 400 naming the path where the limit was
 * crossed. Each exchange is recorded as an `httpDepth` note ({shape, levels, limit,
 * status, code?, path?}); promise 29 judges them
 * (harness/check/promises-json-depth.ts).
 */
import type { HistoryRecorder } from '../check/history.js';
import { HTTP_ADVERSARY } from '../check/api-scopes.js';
import { MAX_JSON_DEPTH } from '../../system/core/index.js';
import type { Simulation } from '../sim/index.js';
import { probeCall, type SimClient } from './sim-client.js';

/** How the probes nest: objects in objects, arrays in arrays, or objects and arrays in turn. */
const DEPTH_SHAPES = ['objects', 'arrays', 'alternating'] as const;
type DepthShape = (typeof DEPTH_SHAPES)[number];

/** `levels` containers nested in one another: `{"a":{"a":…1…}}`, `[[…[1]…]]` or `{"a":[{"a":[…1…]}]}`. */
function nestedJson(levels: number, shape: DepthShape): string {
  let open = '';
  let close = '';
  for (let i = 0; i < levels; i++) {
    const array = shape === 'arrays' || (shape === 'alternating' && i % 2 === 1);
    open += array ? '[' : '{"a":';
    close = (array ? ']' : '}') + close;
  }
  return `${open}1${close}`;
}

/** The error code and path of an answer's body, when it has them. */
export function errorOf(body: unknown): { code?: string; path?: string } {
  const e = (body as { error?: { code?: unknown; path?: unknown } } | null)?.error;
  return { ...(typeof e?.code === 'string' ? { code: e.code } : {}), ...(typeof e?.path === 'string' ? { path: e.path } : {}) };
}

/** For each shape, the reference body, then one at the depth limit and one level past it, with the submit token. Skipped while the coordinator is down. */
export async function probeDepth(sim: Simulation, client: SimClient, recorder: HistoryRecorder): Promise<void> {
  for (const shape of DEPTH_SHAPES) {
    for (const levels of [1, MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1]) {
      const c = sim.coordinator.instance;
      if (c === null) return;
      const headers = { authorization: `Bearer ${client.probe.submit}`, 'content-type': 'application/json' };
      const res = await probeCall(c)({ method: 'POST', path: '/api/v1/executions/probe-unknown-id/cancel', headers, body: nestedJson(levels, shape) });
      recorder.recordInfo({ httpDepth: { shape, levels, limit: MAX_JSON_DEPTH, status: res.status, ...errorOf(res.body) } }, HTTP_ADVERSARY);
    }
  }
}
