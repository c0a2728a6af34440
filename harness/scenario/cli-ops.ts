/**
 * The CLI's submissions and controls as client operations in the history:
 * a `squall submit` is a submission like the workload's (invoke, then ok
 * with its execution id or fail with the refusal), and a `squall
 * executions cancel|pause|resume` a control like client-ops.ts records
 * (notes invoke, then ok or fail), so the other promises know the CLI asked
 * for what it did (no phantom, only the client cancels, the quota counts
 * its executions). Read from each request as the simulated exchange sends
 * it (cli-http-sim.ts), not from the CLI's own output.
 */
import type { HistoryRecorder } from '../check/history.js';
import type { TaskSubmitted } from '../check/history-types.js';

/** What the exchange got back: an answer (status, body, lower-case headers) or a socket error code. */
type CliAnswer = { status: number; body: string; headers: Record<string, string> } | { error: string };

/** Told of each request as it is sent; returns what to do with its answer (or nothing for requests it ignores). */
export type CliObserver = (method: string, path: string, body: string) => ((answer: CliAnswer) => void) | undefined;

interface Spec {
  kind?: string;
  params?: unknown;
  priority?: string;
  timeoutMs?: number;
  idempotencyKey?: string;
  retry?: Record<string, unknown>;
  reason?: string;
}

function parse(text: string): { executionId?: unknown; status?: unknown; error?: { code?: unknown; message?: unknown } } & Spec {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' ? (v as ReturnType<typeof parse>) : {};
  } catch {
    return {};
  }
}

/** The refusal of an answer (its error code and message), or of a socket error. */
function refusal(a: CliAnswer): { code: string; message: string; httpStatus?: number } {
  if ('error' in a) return { code: 'unavailable', message: `the CLI's request failed: ${a.error}` };
  const e = parse(a.body).error;
  return { code: String(e?.code ?? 'error'), message: String(e?.message ?? ''), httpStatus: a.status };
}

/** The observer that records the CLI's submissions (POST /api/v1/executions) and controls; `acked` is told each acknowledged execution. */
export function cliOps(recorder: HistoryRecorder, acked: (executionId: string) => void): CliObserver {
  let n = 0;
  return (method, path, body) => {
    if (method !== 'POST') return undefined;
    if (path === '/api/v1/executions') return submitOp(recorder, `cli-${++n}`, { kind: String(parse(body).kind), specs: [parse(body)] }, acked);
    if (path === '/api/v1/executions/batch' || path === '/api/v1/graphs') return submitOp(recorder, `cli-${++n}`, manyOf(path, body), acked);
    const m = /^\/api\/v1\/executions\/([^/?]+)\/(cancel|pause|resume)$/.exec(path);
    return m === null ? undefined : controlOp(recorder, decodeURIComponent(m[1] as string), m[2] as string, parse(body).reason);
  };
}

/** A submission as sent: its kind (one execution's, `batch` or `graph`), its specs in the answer's order, a graph's dependencies as positions. */
interface Sent {
  kind: string;
  specs: Spec[];
  dependsOn?: number[][];
}

/** A batch ({executions: [...]}, or a bare array) or a graph ({tasks: {name: spec}}) as the CLI sent it. */
function manyOf(path: string, body: string): Sent {
  const v = parse(body) as { executions?: unknown; tasks?: unknown };
  if (path === '/api/v1/graphs') {
    const tasks = (v.tasks ?? {}) as Record<string, Spec & { dependsOn?: string[] }>;
    const names = Object.keys(tasks);
    return { kind: 'graph', specs: names.map((n) => tasks[n] as Spec), dependsOn: names.map((n) => (tasks[n]?.dependsOn ?? []).map((d) => names.indexOf(d))) };
  }
  const list = Array.isArray(v) ? (v as Spec[]) : Array.isArray(v.executions) ? (v.executions as Spec[]) : [];
  return { kind: 'batch', specs: list };
}

/** The ids an answer acknowledged: one execution's, or a batch's or graph's `executions`. */
function idsOf(a: CliAnswer): string[] | undefined {
  if ('error' in a || a.status >= 300) return undefined;
  const b = parse(a.body) as { executionId?: unknown; executions?: { executionId?: unknown }[] };
  const ids = typeof b.executionId === 'string' ? [b.executionId] : Array.isArray(b.executions) ? b.executions.map((e) => e.executionId) : [];
  return ids.length > 0 && ids.every((id) => typeof id === 'string') ? (ids as string[]) : undefined;
}

function submitOp(recorder: HistoryRecorder, ref: string, sent: Sent, acked: (executionId: string) => void): (a: CliAnswer) => void {
  const tasks = sent.specs.map((spec): TaskSubmitted => ({ kind: String(spec.kind), ...(spec.params === undefined ? {} : { params: spec.params }), ...(spec.timeoutMs === undefined ? {} : { timeoutMs: spec.timeoutMs }) }));
  const intent = sent.specs.map((spec) => ({
    priority: spec.priority ?? 'medium',
    ...(spec.timeoutMs === undefined ? {} : { timeoutMs: spec.timeoutMs }),
    ...(spec.idempotencyKey === undefined ? {} : { idempotencyKey: spec.idempotencyKey }),
    ...(spec.retry === undefined ? {} : { retry: spec.retry }),
  }));
  const one = sent.specs.length === 1 && sent.kind !== 'batch' && sent.kind !== 'graph' ? sent.specs[0] : undefined;
  const key = recorder.recordInvoke({ ref, kind: sent.kind, tasks, intent, ...(one?.retry === undefined ? {} : { retry: one.retry }), ...(sent.dependsOn === undefined ? {} : { graph: 'cli', dependsOn: sent.dependsOn }) });
  return (a) => {
    const ids = idsOf(a);
    if (ids !== undefined && !('error' in a)) {
      recorder.recordOk(key, { executionIds: ids, status: a.status });
      return ids.forEach(acked);
    }
    const r = refusal(a);
    // Refused before anything was created: a 4xx, the coordinator unreachable, or a store that refused the commit whole.
    const definite = 'error' in a ? a.error === 'ECONNREFUSED' : a.status < 500 || r.code === 'store_unavailable';
    recorder.recordFail(key, { code: r.code, message: r.message, ...('error' in a ? {} : { status: a.status, headers: a.headers }) }, !definite);
  };
}

function controlOp(recorder: HistoryRecorder, executionId: string, op: string, reason: string | undefined): (a: CliAnswer) => void {
  const why = op === 'cancel' && reason !== undefined ? { reason } : {};
  recorder.recordInfo({ op, executionId, phase: 'invoke', via: 'cli', ...why }, 'client');
  return (a) => {
    if (!('error' in a) && a.status < 300) return recorder.recordInfo({ op, executionId, phase: 'ok', status: parse(a.body).status, httpStatus: a.status, via: 'cli', ...why }, 'client');
    recorder.recordInfo({ op, executionId, phase: 'fail', error: refusal(a), via: 'cli' }, 'client');
  };
}
