/**
 * The request bodies' bounds (part of the spec-bounds sweep,
 * adversary-spec-bounds.ts): each bound docs/TASK-KINDS.md documents for a
 * body around the spec (its "Batch body", "Graph body" and "Control body"
 * tables, generated from the zod schemas of coordinator/http-schemas.ts, so a
 * field or bound added there is probed the next run; the checker reads the
 * committed doc, never the system) at the bound and one step past it:
 *
 * - batch and graph: a body of n specs (n at most AT_ITEMS_MAX accepted: a
 *   10,000-spec batch at the bound would run for longer than the scenario),
 *   a graph task name of n characters, each spec tagged with its own taskId;
 *   after a refusal the listing `?taskId=<tag>` must be empty;
 * - control: a future-dated execution submitted for them; each of pause,
 *   resume and cancel with a reason one step past the bound (the execution
 *   read before and after must be the same: blind set 22 #06 accepted and
 *   stored a multi-megabyte reason), then at it (accepted; the cancel ends
 *   the execution, its reason recorded and read back, promise 29).
 *
 * Each answer is noted as `specBound` (with the control, the field the
 * refusal named, and any effect); promise 29 judges them (spec-bounds.ts).
 */
import type { HistoryRecorder } from '../check/history.js';
import { HTTP_ADVERSARY } from '../check/api-scopes.js';
import { boundProbes, type SpecBound } from '../check/spec-bounds.js';
import type { HttpCall } from './http-client.js';
import type { Simulation } from '../sim/index.js';
import { probeCall, type SimClient } from './sim-client.js';

/** The largest batch sent at its bound (every spec accepted runs or is cancelled within the run). */
const AT_ITEMS_MAX = 100;
const DAY = 86_400_000;
const SPEC = { kind: 'echo', params: { value: 'bounds' } } as const;

interface Io {
  sim: Simulation;
  client: SimClient;
  recorder: HistoryRecorder;
  acked: (executionId: string) => void;
}

type Answer = Awaited<ReturnType<HttpCall>>;
const errorOf = (res: Answer): { code?: string; path?: string; message?: string } => {
  const e = (res.body as { error?: { code?: unknown; path?: unknown; message?: unknown } } | null)?.error;
  return { ...(typeof e?.code === 'string' ? { code: e.code } : {}), ...(typeof e?.path === 'string' ? { path: e.path } : {}), ...(typeof e?.message === 'string' ? { message: e.message } : {}) };
};

/** Probes one body bound (both sides, or for control the whole sequence); false once the coordinator is down. */
export async function probeBodyBound(io: Io, b: SpecBound): Promise<boolean> {
  if (b.owner === 'control') return probeControl(io, b);
  for (const probe of ['at', 'past'] as const) if (!(await probeSubmission(io, b, probe))) return false;
  return true;
}

function headersOf(io: Io): Record<string, string> {
  return { authorization: `Bearer ${io.client.probe.submit}`, 'content-type': 'application/json' };
}

/** A batch or graph body probing `b` at `n`, each spec tagged `tag`, with the route and the specs it submits. */
function bodyOf(b: SpecBound, n: number, tag: string): { path: string; body: unknown; count: number } | undefined {
  const spec = { ...SPEC, taskId: tag };
  if (b.owner === 'batch' && b.of === 'items') return { path: '/api/v1/executions/batch', body: { [b.field]: Array.from({ length: Math.max(0, n) }, () => spec) }, count: n };
  if (b.owner === 'graph' && b.of === 'names') return { path: '/api/v1/graphs', body: { [b.field]: { ['b'.repeat(Math.max(0, n))]: spec } }, count: 1 };
  return undefined;
}

async function probeSubmission(io: Io, b: SpecBound, probe: 'at' | 'past'): Promise<boolean> {
  const c = io.sim.coordinator.instance;
  if (c === null) return false;
  const n = boundProbes(b)[probe];
  const tag = `body-bound-${b.owner}-${b.field}-${b.op === '<' || b.op === '<=' ? 'max' : 'min'}-${probe}`;
  const req = bodyOf(b, n, tag);
  if (req === undefined || (probe === 'at' && n > AT_ITEMS_MAX)) return true;
  const call = probeCall(c);
  const small = req.count <= AT_ITEMS_MAX;
  // Recorded as a client's submission (small ones), so the promises that account for every execution count what it makes.
  const key = small ? io.recorder.recordInvoke({ ref: tag, kind: 'batch', tasks: Array.from({ length: req.count }, () => ({ kind: SPEC.kind, params: SPEC.params })) }) : undefined;
  const res = await call({ method: 'POST', path: req.path, headers: headersOf(io), body: JSON.stringify(req.body) });
  const err = errorOf(res);
  const ids = ((res.body as { executions?: { executionId?: unknown }[] } | null)?.executions ?? []).map((x) => x.executionId).filter((x): x is string => typeof x === 'string');
  const sideEffect = res.status >= 300 ? await listedUnder(call, io, tag) : undefined;
  io.recorder.recordInfo({ specBound: { ...b, probe, value: n, status: res.status, ...err, ...(sideEffect === undefined ? {} : { sideEffect }) } }, HTTP_ADVERSARY);
  if (key !== undefined && ids.length === 0) io.recorder.recordFail(key, { code: err.code ?? 'unknown', message: err.message ?? '', status: res.status }, res.status >= 500 && err.code !== 'store_unavailable');
  if (key !== undefined && ids.length > 0) io.recorder.recordOk(key, { executionIds: ids, status: res.status });
  for (const id of ids) await cancelAccepted(call, io, id);
  return true;
}

/** A refused submission made nothing: the listing by its tag is empty (else what it lists). */
async function listedUnder(call: HttpCall, io: Io, tag: string): Promise<string | undefined> {
  const res = await call({ method: 'GET', path: `/api/v1/executions?taskId=${encodeURIComponent(tag)}&limit=10`, headers: { authorization: `Bearer ${io.client.probe.read}` } });
  const items = (res.body as { items?: unknown[] } | null)?.items;
  return Array.isArray(items) && items.length > 0 ? `GET /api/v1/executions?taskId=${tag} lists ${items.length} execution(s) after it` : undefined;
}

async function cancelAccepted(call: HttpCall, io: Io, id: string): Promise<void> {
  io.acked(id);
  io.recorder.recordInfo({ op: 'cancel', executionId: id, phase: 'invoke', via: 'body-bounds' }, 'client');
  const res = await call({ method: 'POST', path: `/api/v1/executions/${id}/cancel`, headers: headersOf(io), body: '{}' });
  io.recorder.recordInfo({ op: 'cancel', executionId: id, phase: res.status < 300 ? 'ok' : 'fail', httpStatus: res.status, via: 'body-bounds' }, 'client');
}

/** The state a refused control must leave as it was: status, its history, error. */
async function stateOf(call: HttpCall, io: Io, id: string): Promise<string> {
  const res = await call({ method: 'GET', path: `/api/v1/executions/${id}`, headers: { authorization: `Bearer ${io.client.probe.read}` } });
  const x = res.body as { status?: unknown; statusHistory?: unknown[]; error?: unknown } | null;
  return JSON.stringify({ http: res.status, status: x?.status, entries: x?.statusHistory?.length, error: x?.error ?? null });
}

/** A future-dated execution to control: nothing but the probes moves it. */
async function controlTarget(call: HttpCall, io: Io): Promise<string | undefined> {
  const spec = { ...SPEC, taskId: 'body-bound-control', scheduledAt: io.sim.now() + DAY };
  const key = io.recorder.recordInvoke({ ref: 'body-bound-control', kind: 'single', tasks: [{ kind: SPEC.kind, params: SPEC.params }] });
  const res = await call({ method: 'POST', path: '/api/v1/executions', headers: headersOf(io), body: JSON.stringify(spec) });
  const id = (res.body as { executionId?: unknown } | null)?.executionId;
  if (typeof id !== 'string') {
    const err = errorOf(res);
    io.recorder.recordFail(key, { code: err.code ?? 'unknown', message: err.message ?? '', status: res.status }, res.status >= 500 && err.code !== 'store_unavailable');
    return undefined;
  }
  io.recorder.recordOk(key, { executionIds: [id], status: res.status });
  io.acked(id);
  return id;
}

async function probeControl(io: Io, b: SpecBound): Promise<boolean> {
  const c = io.sim.coordinator.instance;
  if (c === null || b.of !== 'length') return c !== null;
  const call = probeCall(c);
  const id = await controlTarget(call, io);
  if (id === undefined) return true;
  const sizes = boundProbes(b);
  for (const op of ['pause', 'resume', 'cancel'] as const) {
    for (const probe of ['past', 'at'] as const) {
      const reason = 'b'.repeat(Math.max(0, sizes[probe]));
      const before = probe === 'past' ? await stateOf(call, io, id) : undefined;
      // An accepted one is the client's control (recorded as workload controls are); a refused one changes nothing.
      if (probe === 'at') io.recorder.recordInfo({ op, executionId: id, phase: 'invoke', via: 'body-bounds', ...(op === 'cancel' ? { reason } : {}) }, 'client');
      const res = await call({ method: 'POST', path: `/api/v1/executions/${id}/${op}`, headers: headersOf(io), body: JSON.stringify({ [b.field]: reason }) });
      const after = before === undefined ? undefined : await stateOf(call, io, id);
      const sideEffect = before !== after ? `the execution read ${before ?? ''} before it and ${after ?? ''} after` : undefined;
      io.recorder.recordInfo({ specBound: { ...b, probe, value: sizes[probe], control: op, status: res.status, ...errorOf(res), ...(sideEffect === undefined ? {} : { sideEffect }) } }, HTTP_ADVERSARY);
      if (probe === 'at') recordControlAnswer(io, op, id, res, reason);
    }
  }
  return true;
}

function recordControlAnswer(io: Io, op: string, id: string, res: Answer, reason: string): void {
  const status = (res.body as { status?: unknown } | null)?.status;
  const why = op === 'cancel' ? { reason } : {};
  if (res.status < 300) io.recorder.recordInfo({ op, executionId: id, phase: 'ok', ...(typeof status === 'string' ? { status } : {}), httpStatus: res.status, via: 'body-bounds', ...why }, 'client');
  else io.recorder.recordInfo({ op, executionId: id, phase: 'fail', error: { code: errorOf(res).code ?? 'unknown', message: errorOf(res).message ?? '', httpStatus: res.status }, via: 'body-bounds' }, 'client');
}
