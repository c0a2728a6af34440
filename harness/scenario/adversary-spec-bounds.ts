/**
 * The spec-bounds probe (part of attack `http-scopes`, adversary-http.ts):
 * a submission at each documented bound of the execution spec and of every
 * kind's params (docs/TASK-KINDS.md, harness/check/spec-bounds.ts) and one a
 * step past it, through the coordinator's HTTP handler with a submit token.
 * Each answer is noted as `specBound` ({owner, field, of, op, bound, probe:
 * at|past, value, status, code, path: the field a refusal named}); the
 * bodies around the spec (batch, graph, control) are probed the same way by
 * adversary-body-bounds.ts. An accepted one is cancelled at once, so
 * nothing the sweep submits runs on (a week-long sleep, a command no worker
 * takes). Once per run: the bounds do not change with time. Promise 29
 * judges the answers (harness/check/promises-spec-bounds.ts).
 */
import type { HistoryRecorder } from '../check/history.js';
import { HTTP_ADVERSARY } from '../check/api-scopes.js';
import { boundProbes, documentedSpecBounds, type SpecBound } from '../check/spec-bounds.js';
import { probeBodyBound } from './adversary-body-bounds.js';
import type { Simulation } from '../sim/index.js';
import { probeCall, type SimClient } from './sim-client.js';

/** A valid spec for each owner of bounds, the bounded field then set on it. */
const BASE: Readonly<Record<string, { kind: string; params: Record<string, unknown> }>> = {
  spec: { kind: 'echo', params: { value: 'bounds' } },
  sleep: { kind: 'sleep', params: { durationMs: 0 } },
  cpu: { kind: 'cpu', params: { ms: 0 } },
  fail: { kind: 'fail', params: { times: 0 } },
  command: { kind: 'command', params: { argv: ['true'] } },
  container: { kind: 'container', params: { image: 'busybox:1.36', cmd: ['true'] } },
};

/** The value of a bounded field of size `n`: the number, a text of n characters, a list of n items, an object with one name of n characters. */
function valueOf(b: SpecBound, n: number): unknown {
  if (b.of === 'length') return 'b'.repeat(Math.max(0, n));
  if (b.of === 'names') return { ['b'.repeat(Math.max(0, n))]: 'b' };
  if (b.of === 'items') return Array.from({ length: Math.max(0, n) }, () => 'b');
  return n;
}

/** `obj` with `path` (dotted) set to `value`. */
function withField(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head = '', ...rest] = path.split('.');
  if (rest.length === 0) return { ...obj, [head]: value };
  const inner = (obj[head] ?? {}) as Record<string, unknown>;
  return { ...obj, [head]: withField(inner, rest.join('.'), value) };
}

/** The submission probing `b` with `value`. */
function specOf(b: SpecBound, value: unknown): Record<string, unknown> | undefined {
  const base = BASE[b.owner];
  if (base === undefined) return undefined;
  if (b.owner === 'spec') return withField({ kind: base.kind, params: base.params }, b.field, value);
  return { kind: base.kind, params: withField(base.params, b.field, value) };
}

const probed = new WeakSet<Simulation>();

/**
 * The sweep (see the file comment), once per run, started and not waited
 * for: an accepted submission is answered only once its write committed,
 * which takes simulated time the adversary's round does not let pass.
 */
export function probeSpecBounds(sim: Simulation, client: SimClient, recorder: HistoryRecorder, acked: (executionId: string) => void): void {
  if (probed.has(sim)) return;
  probed.add(sim);
  sweep(sim, client, recorder, acked).catch((err: unknown) => recorder.recordInfo({ specBoundsStopped: String(err) }, HTTP_ADVERSARY));
}

/** Each bound at and past it, one submission at a time; stops while the coordinator is down. */
async function sweep(sim: Simulation, client: SimClient, recorder: HistoryRecorder, acked: (executionId: string) => void): Promise<void> {
  for (const b of documentedSpecBounds()) {
    // The bodies around the spec (batch, graph, control): adversary-body-bounds.ts.
    if (!(b.owner in BASE)) {
      if (!(await probeBodyBound({ sim, client, recorder, acked }, b))) return;
      continue;
    }
    const sizes = boundProbes(b);
    for (const probe of ['at', 'past'] as const) {
      const c = sim.coordinator.instance;
      const spec = specOf(b, valueOf(b, sizes[probe]));
      if (c === null || spec === undefined) return;
      const call = probeCall(c);
      const headers = { authorization: `Bearer ${client.probe.submit}`, 'content-type': 'application/json' };
      // Recorded as a client's submission and cancel are, so the promises that account for every execution count these.
      const key = recorder.recordInvoke({ ref: `spec-bound-${b.owner}-${b.field}-${probe}`, kind: 'single', tasks: [{ kind: String(spec.kind), params: spec.params }] });
      const res = await call({ method: 'POST', path: '/api/v1/executions', headers, body: JSON.stringify(spec) });
      const body = res.body as { executionId?: unknown; error?: { code?: unknown; message?: unknown; path?: unknown } } | null;
      const code = typeof body?.error?.code === 'string' ? body.error.code : undefined;
      const path = typeof body?.error?.path === 'string' ? { path: body.error.path } : {};
      recorder.recordInfo({ specBound: { ...b, probe, value: sizes[probe], status: res.status, ...(code === undefined ? {} : { code }), ...path } }, HTTP_ADVERSARY);
      const id = body?.executionId;
      if (typeof id !== 'string') {
        recorder.recordFail(key, { code: code ?? 'unknown', message: String(body?.error?.message ?? ''), status: res.status }, res.status >= 500 && code !== 'store_unavailable');
        continue;
      }
      recorder.recordOk(key, { executionIds: [id], status: res.status });
      acked(id);
      recorder.recordInfo({ op: 'cancel', executionId: id, phase: 'invoke', via: 'spec-bounds' }, 'client');
      const cancel = await call({ method: 'POST', path: `/api/v1/executions/${id}/cancel`, headers, body: '{}' });
      const phase = cancel.status < 300 ? 'ok' : 'fail';
      recorder.recordInfo({ op: 'cancel', executionId: id, phase, httpStatus: cancel.status, via: 'spec-bounds' }, 'client');
    }
  }
}
