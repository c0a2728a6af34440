/**
 * The client's reads of what the coordinator lists and counts, at the end of
 * a run: every page of GET /api/v1/executions at a small page size (so page
 * boundaries are crossed many times), the same with a status filter, and
 * GET /api/v1/stats, with a read-scope token, next to the final read. The
 * whole listing's pages carry the filters it does not use as empty
 * parameters (`status=&taskId=`): an empty parameter is as absent (README,
 * "HTTP API"), the form a UI's empty filter box sends. The
 * simulation makes them through the coordinator's HTTP handler at one
 * simulated instant; a live run over real HTTP, between two final reads that
 * agree (harness/live/live-reads.ts). The checker
 * (harness/check/promises-reads.ts, promise 29) holds the listing to the
 * final read and the stats to the listing.
 */
import type { ApiReads, ApiStats, ListedExecution, ListedSpec } from '../check/promises-reads.js';
import type { HttpCall } from './http-client.js';

/** The smallest page: small enough that a run of a hundred executions crosses a dozen page boundaries. */
const MIN_PAGE = 7;
/** At most this many pages per listing (the page grows with the run's size, so a large run stays cheap). */
const PAGES = 60;
/** The status the filtered listing asks for (the most common final status). */
const FILTER_STATUS = 'completed';
/** What the whole listing sends for the filters it leaves open: empty, which means absent. */
const OPEN_FILTERS = 'status=&taskId=';

interface PageBody {
  executions?: ({ executionId?: unknown; status?: unknown; kind?: unknown; statusHistory?: { status?: unknown; previous?: unknown }[]; startedAt?: unknown; completedAt?: unknown; error?: unknown; attempts?: unknown } & ListedSpec)[];
  nextCursor?: unknown;
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

/** Every page of one listing query; `unended` when it ran past every bound (a cursor that goes back). */
async function listAll(call: HttpCall, auth: Record<string, string>, limit: number, maxPages: number, status?: string): Promise<{ items: ListedExecution[]; unended: boolean } | { error: number }> {
  const items: ListedExecution[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const q = `limit=${limit}&${status === undefined ? OPEN_FILTERS : `status=${status}`}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const r = await call({ method: 'GET', path: `/api/v1/executions?${q}`, headers: auth });
    if (r.status !== 200) return { error: r.status };
    const b = r.body as PageBody | null;
    for (const e of b?.executions ?? []) {
      const history = e.statusHistory ?? [];
      const retried = history.some((h) => h.status === 'retrying');
      const chain = history.map((h): [string, string | null] => [String(h.status), typeof h.previous === 'string' ? h.previous : null]);
      const ms = e.status === 'completed' && typeof e.startedAt === 'number' && typeof e.completedAt === 'number' ? e.completedAt - e.startedAt : null;
      const error = e.error === undefined || e.error === null ? null : JSON.stringify(e.error);
      const completedAt = typeof e.completedAt === 'number' ? e.completedAt : null;
      const spec: ListedSpec = { priority: e.priority, taskId: e.taskId, retry: e.retry, timeoutMs: e.timeoutMs, metadata: e.metadata, idempotencyKey: e.idempotencyKey };
      items.push([String(e.executionId), String(e.status), retried ? 1 : 0, String(e.kind), chain, ms, error, completedAt, spec, e.attempts]);
    }
    if (typeof b?.nextCursor !== 'string') return { items, unended: false };
    cursor = b.nextCursor;
  }
  return { items, unended: true };
}

/**
 * Reads the listing (whole and filtered) and the stats through `call` with
 * `token` (none: no Authorization header), sized by `known` (the executions
 * the client knows of).
 */
export async function readListingAndStats(call: HttpCall, token: string | undefined, known: number): Promise<ApiReads> {
  const auth: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const limit = Math.max(MIN_PAGE, Math.ceil(known / PAGES));
  // Room for every execution the client knows of, plus ones it does not (unanswered submissions), plus slack.
  const maxPages = Math.ceil((2 * known) / limit) + 10;
  const all = await listAll(call, auth, limit, maxPages);
  const filtered = await listAll(call, auth, limit, maxPages, FILTER_STATUS);
  const s = await call({ method: 'GET', path: '/api/v1/stats', headers: auth });
  const b = s.body as { total?: unknown; byStatus?: unknown; retried?: unknown; byKind?: unknown; durationsMs?: unknown; queueLength?: unknown; delayed?: unknown; timedOut?: unknown; running?: unknown; inFlight?: unknown } | null;
  const durations = isObject(b?.durationsMs) ? { durationsMs: b.durationsMs as NonNullable<ApiStats['durationsMs']> } : {};
  const queues = typeof b?.queueLength === 'number' && typeof b.delayed === 'number' ? { queueLength: b.queueLength, delayed: b.delayed } : {};
  const stats =
    s.status === 200 && typeof b?.total === 'number' && typeof b.retried === 'number' && isObject(b.byStatus) && isObject(b.byKind)
      ? { total: b.total, retried: b.retried, byStatus: b.byStatus as Record<string, number>, byKind: b.byKind as ApiStats['byKind'], ...durations, ...queues, timedOut: b.timedOut, running: b.running, inFlight: b.inFlight }
      : { error: s.status };
  return { limit, all, filtered: 'error' in filtered ? filtered : { status: FILTER_STATUS, ...filtered }, stats };
}
