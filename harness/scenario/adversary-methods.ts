/**
 * The HTTP adversary's media-type and method probes (part of attack
 * `http-scopes`, adversary-http.ts), judged by promise 29
 * (harness/check/promises-api-methods.ts):
 *
 * - every round, each body-taking route of the README's API table gets a
 *   small JSON body (one that creates nothing: a spec missing its kind, an
 *   unknown id) under each spelling RFC 9110 allows for JSON (parameters,
 *   case, whitespace, a quoted charset) and under types that only look
 *   like it, and with no type at all; noted as `httpMedia`;
 * - once a run, the method matrix: every route of the table, and the
 *   dashboard's, gets every method the README does not document for it
 *   (HEAD aside where GET is documented: it is probed as GET without
 *   the body, below), aimed at real things the adversary made for the purpose
 *   (a read token of its own, a far-dated execution of its own, cancelled
 *   at the end) with a body that would create something findable (taskId
 *   and token name `method-probe`); the state those make is read before
 *   and after each request. Noted as `httpMethod`. And on every route
 *   documented GET (the README: HEAD too), a GET, a HEAD and a GET again
 *   with the same token, for every token role in turn (admin, submit, read,
 *   a forged token, none: a HEAD the route's scope refuses is refused as its
 *   GET is, 401 or 403): status, headers (the HEAD's content-length kept by
 *   the wire reader, harness/sim/http-answer.ts) and body bytes of each,
 *   noted as `httpHead`.
 */
import type { HistoryRecorder } from '../check/history.js';
import { apiRoutes, HTTP_ADVERSARY } from '../check/api-scopes.js';
import type { HeadProbe, MediaProbe, MethodProbe, SeenAnswer } from '../check/promises-api-methods.js';
import type { Simulation } from '../sim/index.js';
import { probeCall, type SimClient } from './sim-client.js';

/** JSON as RFC 9110 lets a client spell it, then types that are not JSON, then no type (undefined). */
const MEDIA_TYPES: readonly (string | undefined)[] = [
  'application/json; charset=utf-8',
  'Application/JSON',
  'application/json ; charset=UTF-8',
  'application/json;charset="UTF-8"',
  'APPLICATION/JSON;CHARSET=utf-8',
  'application/jsonx',
  'text/json',
  'application/json-patch+json',
  'application/x-json',
  undefined,
];

function codeOf(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

const optional = (code: string | undefined): { code?: string } => (code === undefined ? {} : { code });

/** Each media type to each POST route of the table, with `{}` (which creates nothing) and ids nothing has. */
export async function probeMediaTypes(sim: Simulation, client: SimClient, recorder: HistoryRecorder): Promise<void> {
  for (const route of apiRoutes()) {
    if (route.method !== 'POST') continue;
    const token = route.scope === 'admin' ? client.probe.admin : client.probe.submit;
    for (const type of MEDIA_TYPES) {
      const c = sim.coordinator.instance;
      if (c === null) return;
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(type === undefined ? {} : { 'content-type': type }) };
      const res = await probeCall(c)({ method: 'POST', path: route.path.replaceAll('{id}', 'probe-unknown-id'), headers, body: '{}' });
      const note: MediaProbe = { route: route.path, ...(type === undefined ? {} : { type }), empty: false, status: res.status, ...optional(codeOf(res.body)) };
      recorder.recordInfo({ httpMedia: note }, HTTP_ADVERSARY);
    }
  }
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** The dashboard's routes (README, "Dashboard"): GET only. */
const UI_ROUTES = ['/ui', '/ui/events', '/ui/graph/{id}', '/ui/assets/app.js'];
const MARK = 'method-probe';
const SPEC = { kind: 'echo', params: { value: MARK }, taskId: MARK };

/** Every route template with the methods documented for it. */
function documentedMethods(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of apiRoutes()) out.set(r.path, [...(out.get(r.path) ?? []), r.method]);
  for (const path of UI_ROUTES) out.set(path, ['GET']);
  return out;
}

/** The body a request to `route` would create something findable with, if it were served. */
function bodyFor(route: string): unknown {
  if (route === '/api/v1/executions') return SPEC;
  if (route === '/api/v1/executions/batch') return { executions: [SPEC] };
  if (route === '/api/v1/graphs') return { tasks: { [MARK]: { kind: SPEC.kind, params: SPEC.params } } };
  if (route === '/api/v1/tokens') return { name: MARK, scope: 'read' };
  return { reason: MARK };
}

type Call = ReturnType<typeof probeCall>;
interface Targets { tokenId: string; token: string; executionId: string }

/** What an undocumented method must not change: the adversary's token, its execution, and what a body could have made. */
async function stateOf(call: Call, admin: Record<string, string>, t: Targets): Promise<string> {
  const tokens = ((await call({ method: 'GET', path: '/api/v1/tokens', headers: admin })).body as { tokens?: { id?: string; name?: string; revokedAt?: unknown }[] } | null)?.tokens ?? [];
  const own = tokens.find((x) => x.id === t.tokenId);
  const works = await call({ method: 'GET', path: '/api/v1/stats', headers: { authorization: `Bearer ${t.token}` } });
  const exec = (await call({ method: 'GET', path: `/api/v1/executions/${t.executionId}`, headers: admin })).body as { status?: string; statusHistory?: unknown[] } | null;
  const made = ((await call({ method: 'GET', path: `/api/v1/executions?taskId=${MARK}&limit=10`, headers: admin })).body as { executions?: unknown[] } | null)?.executions?.length ?? 0;
  const names = tokens.filter((x) => x.name === MARK).length;
  return `token revokedAt ${JSON.stringify(own?.revokedAt ?? null)} answering ${works.status}; execution ${exec?.status ?? '?'} after ${exec?.statusHistory?.length ?? 0} changes; ${made} executions and ${names} tokens named ${MARK}`;
}

const swept = new WeakSet<Simulation>();

/**
 * Once a run: the method matrix of the file comment, started and not
 * awaited (as the spec-bounds sweep: its submission waits for the store's
 * commit, which needs the simulation to go on); stops while the coordinator
 * is down.
 */
export function probeMethodMatrix(sim: Simulation, client: SimClient, recorder: HistoryRecorder, acked: (executionId: string) => void): void {
  if (swept.has(sim) || sim.coordinator.instance === null) return;
  swept.add(sim);
  sweep(sim, client, recorder, acked).catch((err: unknown) => recorder.recordInfo({ methodMatrixStopped: String(err) }, HTTP_ADVERSARY));
}

async function sweep(sim: Simulation, client: SimClient, recorder: HistoryRecorder, acked: (executionId: string) => void): Promise<void> {
  const admin = { authorization: `Bearer ${client.probe.admin}`, 'content-type': 'application/json' };
  const targets = await makeTargets(sim, admin, recorder, acked);
  if (targets === undefined) return;
  for (const [route, documented] of documentedMethods()) {
    const path = route.replaceAll('{id}', route.startsWith('/api/v1/tokens') ? targets.tokenId : targets.executionId);
    for (const role of documented.includes('GET') ? headRoles(client) : []) if (!(await probeHead(sim, route, path, role, recorder))) return;
    for (const method of METHODS) {
      if (documented.includes(method) || (method === 'HEAD' && documented.includes('GET'))) continue;
      const c = sim.coordinator.instance;
      if (c === null) return;
      const call = probeCall(c);
      const before = await stateOf(call, admin, targets);
      const safe = method === 'GET' || method === 'HEAD';
      const res = await call({ method, path, headers: safe ? { authorization: admin.authorization } : admin, body: safe ? '' : JSON.stringify(bodyFor(route)) });
      const after = await stateOf(call, admin, targets);
      const note: MethodProbe = { route, method, documented, status: res.status, ...optional(codeOf(res.body)), ...(res.headers.allow === undefined ? {} : { allow: res.headers.allow }), before, after };
      recorder.recordInfo({ httpMethod: note }, HTTP_ADVERSARY);
    }
  }
  await cancelParked(sim, admin, recorder, targets.executionId);
}

/** The UTF-8 bytes of a body as probeCall parsed it (JSON the system wrote with JSON.stringify, which reads back to the same text). */
function bytesOf(body: unknown): number {
  return body === null || body === undefined ? 0 : Buffer.byteLength(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
}

/** The token roles a HEAD is probed with, each with its Authorization header (none: no header): the admin's first. */
function headRoles(client: SimClient): [string, string | undefined][] {
  const p = client.probe;
  return [['admin', `Bearer ${p.admin}`], ['submit', `Bearer ${p.submit}`], ['read', `Bearer ${p.read}`], ['forged', `Bearer ${p.forged}`], ['none', undefined]];
}

/** GET, HEAD, GET on one route with one role's token (file comment); false once the coordinator is down. */
async function probeHead(sim: Simulation, route: string, path: string, [role, authorization]: [string, string | undefined], recorder: HistoryRecorder): Promise<boolean> {
  const c = sim.coordinator.instance;
  if (c === null) return false;
  const call = probeCall(c);
  const seen = async (method: string): Promise<SeenAnswer> => {
    const res = await call({ method, path, headers: authorization === undefined ? {} : { authorization } });
    return { status: res.status, headers: res.headers, bytes: bytesOf(res.body) };
  };
  const note: HeadProbe = { route, role, get: await seen('GET'), head: await seen('HEAD'), again: await seen('GET') };
  recorder.recordInfo({ httpHead: note }, HTTP_ADVERSARY);
  return true;
}

/** A read token and a far-dated execution of the adversary's own, recorded as a client's submission is. */
async function makeTargets(sim: Simulation, admin: Record<string, string>, recorder: HistoryRecorder, acked: (executionId: string) => void): Promise<Targets | undefined> {
  const c = sim.coordinator.instance;
  if (c === null) return undefined;
  const call = probeCall(c);
  const made = (await call({ method: 'POST', path: '/api/v1/tokens', headers: admin, body: JSON.stringify({ name: 'method-probe-target', scope: 'read' }) })).body as { id?: unknown; token?: unknown } | null;
  if (typeof made?.id !== 'string' || typeof made.token !== 'string') return undefined;
  const spec = { kind: 'echo', params: { value: 'parked' }, scheduledAt: sim.now() + 30 * 86_400_000 };
  const key = recorder.recordInvoke({ ref: 'method-matrix-parked', kind: 'single', tasks: [{ kind: spec.kind, params: spec.params }] });
  const res = await call({ method: 'POST', path: '/api/v1/executions', headers: admin, body: JSON.stringify(spec) });
  const body = res.body as { executionId?: unknown; error?: { code?: unknown; message?: unknown } } | null;
  if (typeof body?.executionId !== 'string') {
    const code = codeOf(body);
    recorder.recordFail(key, { code: code ?? 'unknown', message: String(body?.error?.message ?? ''), status: res.status }, res.status >= 500 && code !== 'store_unavailable');
    return undefined;
  }
  recorder.recordOk(key, { executionIds: [body.executionId], status: res.status });
  acked(body.executionId);
  return { tokenId: made.id, token: made.token, executionId: body.executionId };
}

/** The parked execution is cancelled at the end, as the spec-bounds probe cancels its own. */
async function cancelParked(sim: Simulation, admin: Record<string, string>, recorder: HistoryRecorder, id: string): Promise<void> {
  const c = sim.coordinator.instance;
  if (c === null) return;
  recorder.recordInfo({ op: 'cancel', executionId: id, phase: 'invoke', via: 'method-matrix' }, 'client');
  const cancel = await probeCall(c)({ method: 'POST', path: `/api/v1/executions/${id}/cancel`, headers: admin, body: '{}' });
  recorder.recordInfo({ op: 'cancel', executionId: id, phase: cancel.status < 300 ? 'ok' : 'fail', httpStatus: cancel.status, via: 'method-matrix' }, 'client');
}
