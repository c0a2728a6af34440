/**
 * The coordinator's HTTP API as the live harness uses it: submit executions
 * and graphs (acknowledged = 201, after the store committed), list executions
 * and workers. Every call has a timeout, so a paused or killed coordinator
 * gives an error instead of a hang.
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
  | { ok: true; executionIds: string[] }
  | { ok: false; indeterminate: boolean; code: string; message: string };

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

async function call(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 10_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}

/** Client of one coordinator's HTTP API (base like http://127.0.0.1:7070), sending its bearer token if it has one. */
export class CoordinatorHttp {
  constructor(
    private readonly base: () => string,
    private readonly token: () => string | undefined = () => undefined,
  ) {}

  /** The Authorization header for the current token (read at each call: it survives coordinator restarts). */
  private auth(): Record<string, string> {
    const t = this.token();
    return t === undefined ? {} : { authorization: `Bearer ${t}` };
  }

  /** POST a spec (or a graph); a network error or 5xx is indeterminate, a 4xx a definite refusal. */
  async submit(body: unknown, route: 'task' | 'graph' | 'batch' = 'task'): Promise<SubmitOutcome> {
    let r: { status: number; body: unknown };
    try {
      r = await call(`${this.base()}${SUBMIT_PATHS[route]}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.auth() },
        body: JSON.stringify(body),
        timeoutMs: 30_000,
      });
    } catch (err) {
      return { ok: false, indeterminate: true, code: 'unavailable', message: err instanceof Error ? err.message : String(err) };
    }
    if (r.status === 201) {
      const b = r.body as { executionId?: string; executions?: { executionId: string }[] };
      const ids = route !== 'task' ? (b.executions ?? []).map((e) => e.executionId) : b.executionId === undefined ? [] : [b.executionId];
      return { ok: true, executionIds: ids };
    }
    const err = (r.body as { error?: { code?: string; message?: string } } | null)?.error;
    return { ok: false, indeterminate: r.status >= 500, code: err?.code ?? `http_${r.status}`, message: err?.message ?? `HTTP ${r.status}` };
  }

  /** Every execution (pages of 1000). */
  async listExecutions(): Promise<ExecutionView[]> {
    const out: ExecutionView[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const r = await call(`${this.base()}/api/v1/executions?limit=1000${q}`, { headers: this.auth() });
      if (r.status !== 200) throw new Error(`GET /api/v1/executions: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      const b = r.body as { executions: ExecutionView[]; nextCursor: string | null };
      out.push(...b.executions);
      cursor = b.nextCursor;
    } while (cursor !== null);
    return out;
  }

  async workers(): Promise<WorkerView[]> {
    const r = await call(`${this.base()}/api/v1/workers`, { headers: this.auth() });
    if (r.status !== 200) throw new Error(`GET /api/v1/workers: HTTP ${r.status}`);
    return (r.body as { workers: WorkerView[] }).workers;
  }
}
