/**
 * The coordinator's HTTP API as the harness's client uses it: submit
 * executions and graphs (acknowledged = 201, after the store committed), list
 * executions and workers. The exchange is a seam (HttpCall): live runs use
 * fetch with a timeout on every call, so a paused or killed coordinator gives
 * an error instead of a hang; the simulation hands the same requests to the
 * coordinator's own HTTP handler, so both modes test the HTTP layer (routing,
 * auth, body validation, error -> status mapping).
 */

/** An execution as GET /api/v1/executions returns it (the fields the harness reads). */
export interface ExecutionView {
  executionId: string;
  kind: string;
  status: string;
  attempts: number;
  error: unknown;
  statusHistory: { status: string; at: number; attempt?: number }[];
  retry?: { maxRetries?: number } | null;
}

export interface WorkerView {
  id: string;
  state: 'connected' | 'disconnected' | 'lost';
  reconnects: number;
}

export type SubmitOutcome =
  /** status: 201 created, 200 an idempotent repeat answered with the execution it already created. */
  | { ok: true; executionIds: string[]; status: number }
  /**
   * status: the HTTP status of a refusal; absent when no answer came (network error, timeout).
   * headers: the refusal's documented headers (ANSWER_HEADERS) that it carried.
   */
  | { ok: false; indeterminate: boolean; code: string; message: string; status?: number; headers?: Record<string, string> };

/** An HTTP answer as the harness sees it: status, parsed body, and headers by lower-case name. */
export interface HttpAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** One request/response exchange with a coordinator's HTTP API (path with its query string). */
export type HttpCall = (req: { method: string; path: string; headers: Record<string, string>; body?: string; timeoutMs?: number }) => Promise<HttpAnswer>;

/**
 * The headers of an answer the API contract documents (README, "HTTP API"),
 * which a refusal's record keeps so the checker can judge them
 * (harness/check/promises-api-headers.ts): Retry-After on 429 and 503,
 * Content-Type, Allow on 405.
 */
const ANSWER_HEADERS = ['retry-after', 'content-type', 'allow'] as const;

/** The documented headers an answer carried (lower-case names), for the history. */
function documentedHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of ANSWER_HEADERS) if (headers[h] !== undefined) out[h] = headers[h];
  return out;
}

/** Headers by lower-case name (HTTP names are case-insensitive; the harness reads them lower-case). */
export function lowerHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

/** The JSON body of a submission, as each route takes it. */
export function submitBody(s: { type: 'task'; spec: unknown } | { type: 'batch'; specs: unknown[] } | { type: 'graph'; graph: unknown }): unknown {
  return s.type === 'graph' ? { tasks: s.graph } : s.type === 'batch' ? { executions: s.specs } : s.spec;
}

export const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'timeout']);

/** Where each kind of submission is posted. */
const SUBMIT_PATHS = { task: '/api/v1/executions', graph: '/api/v1/graphs', batch: '/api/v1/executions/batch' } as const;

/**
 * The entries of a statusHistory where the execution ended: a terminal status
 * not followed by `retrying` (a failed or timed-out attempt that is retried
 * passes through `failed`/`timeout` first). Exactly-once = exactly one.
 */
export function terminalEntries(history: readonly { status: string }[]): { status: string }[] {
  return history.filter((h, i) => TERMINAL.has(h.status) && history[i + 1]?.status !== 'retrying');
}

/** A response body as JSON when it parses, else its text (null when empty). */
export function parseBody(text: string): unknown {
  try {
    return text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    return text; // not JSON: keep the text
  }
}

/** The live exchange: fetch against `base()` (like http://127.0.0.1:7070), with a timeout (default 10 s); `onText` sees each answer's raw body (the live secret scan). */
export function fetchCall(base: () => string, onText?: (method: string, path: string, status: number, body: string) => void): HttpCall {
  return async (req) => {
    const res = await fetch(`${base()}${req.path}`, { method: req.method, headers: req.headers, ...(req.body === undefined ? {} : { body: req.body }), signal: AbortSignal.timeout(req.timeoutMs ?? 10_000) });
    const text = await res.text();
    onText?.(req.method, req.path, res.status, text);
    return { status: res.status, body: parseBody(text), headers: lowerHeaders(Object.fromEntries(res.headers)) };
  };
}

/** Client of one coordinator's HTTP API, sending its bearer token if it has one. */
/** The reason the client's cancels give (recorded in the execution's status history and error). */
/** It holds markup, which the dashboard must show as text (ui-page.ts). */
export const CANCEL_REASON = 'cancelled by the workload <b data-injected>&amp;</b>';

export class CoordinatorHttp {
  constructor(
    private readonly call: HttpCall,
    private readonly token: () => string | undefined = () => undefined,
  ) {}

  /** The Authorization header for the current token (read at each call: it survives coordinator restarts). */
  private auth(): Record<string, string> {
    const t = this.token();
    return t === undefined ? {} : { authorization: `Bearer ${t}` };
  }

  /** POST a spec (or a graph), with `x-squall-client: client` if given; a network error or 5xx is indeterminate, a 4xx a definite refusal. */
  async submit(body: unknown, route: 'task' | 'graph' | 'batch' = 'task', client?: string): Promise<SubmitOutcome> {
    let r: HttpAnswer;
    try {
      r = await this.call({
        path: SUBMIT_PATHS[route],
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.auth(), ...(client === undefined ? {} : { 'x-squall-client': client }) },
        body: JSON.stringify(body),
        timeoutMs: 30_000,
      });
    } catch (err) {
      return { ok: false, indeterminate: true, code: 'unavailable', message: err instanceof Error ? err.message : String(err) };
    }
    // 201 created; 200: an idempotent repeat answered with the execution it already created.
    if (r.status === 201 || r.status === 200) {
      const b = r.body as { executionId?: string; executions?: { executionId: string }[] };
      const ids = route !== 'task' ? (b.executions ?? []).map((e) => e.executionId) : b.executionId === undefined ? [] : [b.executionId];
      return { ok: true, executionIds: ids, status: r.status };
    }
    const err = (r.body as { error?: { code?: string; message?: string } } | null)?.error;
    return { ok: false, indeterminate: r.status >= 500, code: err?.code ?? `http_${r.status}`, message: err?.message ?? `HTTP ${r.status}`, status: r.status, headers: documentedHeaders(r.headers) };
  }

  /** POST /api/v1/executions/{id}/cancel|pause|resume (a cancel with {reason: CANCEL_REASON}): the execution's status after it and the HTTP status (200, or 202 for a pause in progress). */
  async control(op: 'cancel' | 'pause' | 'resume', executionId: string): Promise<{ ok: true; status: string; httpStatus: number; history: string[] } | { ok: false; code: string; message: string; status?: number }> {
    let r: HttpAnswer;
    try {
      const body = op === 'cancel' ? JSON.stringify({ reason: CANCEL_REASON }) : '';
      r = await this.call({ method: 'POST', path: `/api/v1/executions/${encodeURIComponent(executionId)}/${op}`, headers: { 'content-type': 'application/json', ...this.auth() }, body });
    } catch (err) {
      return { ok: false, code: 'unavailable', message: err instanceof Error ? err.message : String(err) };
    }
    const b = r.body as { status?: string; statusHistory?: { status?: unknown }[]; error?: { code?: string; message?: string } } | null;
    // The answer's statusHistory, as statuses (promise 29 compares it with the store's row: control-store.ts).
    if (r.status === 200 || r.status === 202) return { ok: true, status: b?.status ?? '', httpStatus: r.status, history: (Array.isArray(b?.statusHistory) ? b.statusHistory : []).map((e) => String(e.status)) };
    return { ok: false, code: b?.error?.code ?? `http_${r.status}`, message: b?.error?.message ?? `HTTP ${r.status}`, status: r.status };
  }

  /** Every execution (pages of 1000). */
  async listExecutions(): Promise<ExecutionView[]> {
    const out: ExecutionView[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const r = await this.call({ method: 'GET', path: `/api/v1/executions?limit=1000${q}`, headers: this.auth() });
      if (r.status !== 200) throw new Error(`GET /api/v1/executions: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      const b = r.body as { executions: ExecutionView[]; nextCursor: string | null };
      out.push(...b.executions);
      cursor = b.nextCursor;
    } while (cursor !== null);
    return out;
  }

  async workers(): Promise<WorkerView[]> {
    const r = await this.call({ method: 'GET', path: '/api/v1/workers', headers: this.auth() });
    if (r.status !== 200) throw new Error(`GET /api/v1/workers: HTTP ${r.status}`);
    return (r.body as { workers: WorkerView[] }).workers;
  }
}
