/**
 * The HTTP API (JSON), a thin table-driven layer over the engine's embedding
 * API. Bad input always gets 4xx with {error: {code, message, path}} naming
 * the field; an unknown route 404, a known route with the wrong method 405.
 * Submitted params are checked against the task kind's schema here, so a
 * typo is reported at submission rather than as a failed attempt later.
 */
import type { Clock } from '../core/clock.js';
import { ErrorCode, SquallError } from '../core/errors.js';
import { checkJsonLimits } from '../core/json-limits.js';
import type { HttpHandler, HttpResponse } from '../core/transport.js';
import type { EngineApi } from '../engine/contract.js';
import type { ExecutionRecord } from '../core/model.js';
import type { TaskKind } from '../tasks/kind.js';
import { type ClientQuota, clientOf, counted } from './client-quota.js';
import { type HealthSource, liveness, readiness } from './health.js';
import { controlBodySchema, parseBatchBody, parseGraphBody, parseListQuery, parseSpecBody, parseWith } from './http-schemas.js';
import type { WorkerView } from './registry.js';
import { serveHead } from './http-head.js';
import { serveRoutes, type Route } from './http-router.js';

/** What the HTTP layer reads: the engine's embedding API, task kinds, workers, metrics. */
export interface HttpApiDeps {
  engine: EngineApi;
  taskKinds: ReadonlyMap<string, TaskKind<unknown>>;
  clock: Clock;
  workers(): WorkerView[];
  metrics(): Promise<{ contentType: string; body: string }>;
  /** Store and listener health for /healthz and /readyz (health.ts); without it both say ok. */
  health?: HealthSource;
  /** Per-client limit on unfinished work (client-quota.ts); none: no limit. */
  quota?: ClientQuota;
  /** The HTTP status of each error code (default STATUS_BY_CODE; policies.ts). */
  statusByCode?: StatusByCode;
}


const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function json(status: number, body: unknown): HttpResponse {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

function errorBody(status: number, code: string, message: string, path = ''): HttpResponse {
  return json(status, { error: { code, message, path } });
}

/** An error code -> HTTP status table; a code it lacks is answered 500. */
export type StatusByCode = Readonly<Partial<Record<string, number>>>;

/** The HTTP status of each error code (the API contract in the README). */
export const STATUS_BY_CODE: StatusByCode = {
  [ErrorCode.InvalidArgument]: 400,
  [ErrorCode.Malformed]: 400,
  [ErrorCode.UnknownTaskKind]: 400,
  [ErrorCode.Cycle]: 400,
  [ErrorCode.UnknownType]: 400,
  [ErrorCode.UnsupportedVersion]: 400,
  [ErrorCode.TooLarge]: 413,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  // Only the service's own lifecycle is in an illegal state over HTTP (its engine closed at a shutdown, or its store): not now, retry.
  [ErrorCode.IllegalState]: 503,
  [ErrorCode.Unavailable]: 503,
  [ErrorCode.Timeout]: 504,
  [ErrorCode.StoreUnavailable]: 503,
  [ErrorCode.RateLimited]: 429,
};

/** Codes that mean "not now": answered with Retry-After: 1 (a store probe or a restart is that soon). */
const RETRY_SOON: ReadonlySet<string> = new Set([ErrorCode.StoreUnavailable, ErrorCode.IllegalState]);

/** Maps a thrown error to a response: SquallErrors by code, anything else 500. */
function errorResponse(err: unknown, statusByCode: StatusByCode): HttpResponse {
  if (err instanceof SquallError) {
    const res = errorBody(statusByCode[err.code] ?? 500, err.code, err.message, err.path ?? '');
    // Tell clients when to come back: a failing store is probed within seconds, a restart takes about one; quotas say their own wait.
    const retryAfter = (err as { retryAfterSec?: number }).retryAfterSec ?? (RETRY_SOON.has(err.code) ? 1 : undefined);
    return retryAfter === undefined ? res : { ...res, headers: { ...res.headers, 'retry-after': String(retryAfter) } };
  }
  return errorBody(500, ErrorCode.Internal, `internal error: ${err instanceof Error ? err.message : String(err)}`);
}

function parseJson(body: string, required: boolean): unknown {
  if (body.trim() === '') {
    if (required) throw new SquallError(ErrorCode.Malformed, 'request body is empty; expected a JSON object', { path: '' });
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body) as unknown;
  } catch (err) {
    throw new SquallError(ErrorCode.Malformed, `request body is not valid JSON: ${(err as Error).message}`, { path: '' });
  }
  // Depth and size limits before anything is created (json-limits.ts).
  checkJsonLimits(parsed, '');
  return parsed;
}

type HistoryView = { status: string; at: number; previous: string | null; attempt: number; reason: string | null };

/**
 * The status history as clients see it. The engine records a retried
 * attempt's outcome as its own 'failed'/'timeout' entry right before
 * 'retrying' (retry counting and the harness's retry check count those
 * entries; it is never persisted or visible as the execution's status).
 * Shown to a person it reads as a transient failure, so here the pair is one
 * 'retrying' entry whose reason says both: "attempt failed: task_failed;
 * retry 1 of 2 in 100ms". Terminal entries are then exactly the ends.
 */
export function publicHistory(history: ExecutionRecord['statusHistory']): HistoryView[] {
  const out: HistoryView[] = [];
  // Indexed reads of a CompactHistory build entries: the whole history once, as an array.
  const entries = history.slice();
  entries.forEach((h, i) => {
    const next = entries[i + 1];
    if ((h.status === 'failed' || h.status === 'timeout') && next?.status === 'retrying') return;
    const prev = entries[i - 1];
    const folded = h.status === 'retrying' && prev !== undefined && (prev.status === 'failed' || prev.status === 'timeout');
    out.push({
      status: h.status,
      at: h.at,
      previous: folded ? prev.previous : h.previous,
      attempt: h.attempt,
      reason: folded ? [prev.reason, h.reason].filter((x) => x !== undefined).join('; ') : (h.reason ?? null),
    });
  });
  return out;
}

/** An execution as the HTTP API shows it (GET by id, the listing, a submit's answer); the harness compares these across restarts. */
export function executionView(r: ExecutionRecord): Record<string, unknown> {
  return {
    executionId: r.executionId,
    taskId: r.taskId,
    kind: r.kind,
    status: r.status,
    attempts: r.attempts,
    result: r.result ?? null,
    error: r.error ?? null,
    statusHistory: publicHistory(r.statusHistory),
    priority: r.priority,
    dependencies: r.dependencies,
    params: r.params ?? null,
    retry: r.retry,
    timeoutMs: r.timeoutMs ?? null,
    scheduledAt: r.scheduledAt ?? null,
    metadata: r.metadata,
    idempotencyKey: r.idempotencyKey ?? null,
    checkpoint: r.checkpoint === undefined ? null : { seq: r.checkpoint.seq, attempt: r.checkpoint.attempt, at: r.checkpoint.at },
    lease: r.lease === undefined ? null : { workerId: r.lease.workerId, attempt: r.lease.attempt, expiresAt: r.lease.expiresAt },
    nextRunAt: r.nextRunAt ?? null,
    createdAt: r.createdAt,
    startedAt: r.startedAt ?? null,
    completedAt: r.completedAt ?? null,
  };
}

function routes(d: HttpApiDeps): Route[] {
  return [...submitRoutes(d), ...executionRoutes(d.engine), ...serviceRoutes(d)];
}

/** Submissions: one execution, a batch, a graph; each counted against the client's quota. */
function submitRoutes(d: HttpApiDeps): Route[] {
  const e = d.engine;
  return [
    {
      method: 'POST',
      path: '/api/v1/executions',
      handle: async (req) => {
        const spec = parseSpecBody(parseJson(req.body, true), d.taskKinds);
        const { execution, created } = await counted(d.quota, clientOf(req), 1, () => e.submitTask(spec), (r) => [r.execution.executionId]);
        return json(created ? 201 : 200, executionView(execution));
      },
    },
    {
      method: 'POST',
      path: '/api/v1/executions/batch',
      handle: async (req) => {
        const checked = parseBatchBody(parseJson(req.body, true), d.taskKinds);
        const records = await counted(d.quota, clientOf(req), checked.length, () => e.scheduleTaskBatch(checked), (rs) => rs.map((r) => r.executionId));
        return json(201, { executions: records.map(executionView) });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/graphs',
      handle: async (req) => {
        const tasks = parseGraphBody(parseJson(req.body, true), d.taskKinds);
        const executions = await counted(d.quota, clientOf(req), Object.keys(tasks).length, () => e.scheduleTaskGraph(tasks), (xs) => xs.map((x) => x.executionId));
        return json(201, { executions });
      },
    },
  ];
}

/** Reading executions (a page, one) and controlling one (cancel, pause, resume). */
function executionRoutes(e: EngineApi): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/executions',
      handle: (req) => {
        const page = e.listExecutions(parseListQuery(req.query));
        return json(200, { executions: page.executions.map(executionView), nextCursor: page.nextCursor });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/executions/:id',
      handle: (_req, p) => {
        const r = e.getExecution(p.id ?? '');
        return r === undefined ? errorBody(404, ErrorCode.NotFound, `no execution with id "${(p.id ?? '').slice(0, 200)}"`) : json(200, executionView(r));
      },
    },
    ...(['cancel', 'pause', 'resume'] as const).map(
      (action): Route => ({
        method: 'POST',
        path: `/api/v1/executions/:id/${action}`,
        handle: async (req, p) => {
          const id = p.id ?? '';
          const { reason } = parseWith(controlBodySchema, parseJson(req.body, false));
          const r = action === 'cancel' ? await e.cancelExecution(id, reason) : action === 'pause' ? await e.pauseExecution(id) : await e.resumeExecution(id);
          // A running attempt is paused by its worker (checkpoint, stop, report): accepted, not done yet; the status says what is true now.
          if (action === 'pause' && r.status !== 'paused') return json(202, { ...executionView(r), requested: 'pause' });
          return json(200, executionView(r));
        },
      }),
    ),
  ];
}

/** Stats, workers, health and metrics. */
function serviceRoutes(d: HttpApiDeps): Route[] {
  return [
    { method: 'GET', path: '/api/v1/stats', handle: () => json(200, d.engine.getExecutionStats()) },
    { method: 'GET', path: '/api/v1/workers', handle: () => json(200, { workers: d.workers() }) },
    { method: 'GET', path: '/healthz', handle: () => (d.health === undefined ? json(200, { status: 'ok' }) : liveness(d.health)) },
    { method: 'GET', path: '/readyz', handle: () => (d.health === undefined ? json(200, { status: 'ready' }) : readiness(d.health)) },
    {
      method: 'GET',
      path: '/metrics',
      handle: async () => {
        const m = await d.metrics();
        return { status: 200, headers: { 'content-type': m.contentType }, body: m.body };
      },
    },
  ];
}

/** Builds the handler. Literal routes win over parameterised ones (batch before :id); HEAD is GET without the body. */
export function createHttpApi(deps: HttpApiDeps): HttpHandler {
  const statusByCode = deps.statusByCode ?? STATUS_BY_CODE;
  return serveHead(
    serveRoutes(routes(deps), {
      normalize: (p) => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p),
      none: (req, path) => errorBody(404, ErrorCode.NotFound, `no route ${req.method} ${path.slice(0, 200)}`),
      error: (err) => errorResponse(err, statusByCode),
    }),
  );
}
