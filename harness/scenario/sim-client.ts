/**
 * The simulated client: submissions go through the coordinator's own HTTP
 * handler (coordinator.handleHttp) with a bearer token, exactly the requests
 * a live client sends (harness/live/http-client.ts builds both), so the
 * simulation tests the HTTP layer too: routing, token auth, body validation
 * and the mapping of errors to status codes. Only the socket is skipped.
 */
import type { Coordinator } from '../../system/coordinator/index.js';
import { type BadTokenEntry, createToken, fileTokenStore, memoryTokenStore, type TokenStore } from '../../system/coordinator/index.js';
import type { Random } from '../../system/core/index.js';
import { CoordinatorHttp, type HttpAnswer, type HttpCall, lowerHeaders, parseBody, submitBody } from './http-client.js';
import type { Simulation } from '../sim/index.js';
import type { WireRequest } from '../sim/http-wire.js';
import { HttpWireError, readOffWire } from '../sim/http-answer.js';
import { wireTo } from './client-shapes.js';
import type { RunRecorder, SubmitHandlers } from './driver.js';
import { datedAt, type Submission } from './workload.js';

/** Refusals after which nothing was created although the status is 5xx (the store refused the commit as a whole). */
const DEFINITE_FAILURES: ReadonlySet<string> = new Set(['store_unavailable']);

/**
 * The client's credentials: the coordinator's token store (kept across its
 * incarnations, as a data dir's token file is), an admin token for the
 * revoke_token fault, the submit token the client sends, and a read and a
 * submit token for the HTTP scope adversary (adversary-http.ts). All come
 * from a random stream of their own, so the run's draws are untouched.
 * With `tokenDir` the store is the production file store (tokens.json in
 * that directory, system/coordinator/token-file.ts), as a coordinator with
 * a data dir has it: its cache must see its own writes (blind set 13 #04).
 */
export class SimClient {
  readonly tokens: TokenStore;
  private readonly admin: string;
  private current: { token: string; id: string };
  /** The scope adversary's credentials: a read and a submit token, the admin token's id with a made-up secret, and the operator's admin token (media-type and method probes). */
  readonly probe: { read: string; submit: string; forged: string; admin: string };
  /** The API client of the running coordinator incarnation (made anew for the next one). */
  private http: { coordinator: Coordinator; api: CoordinatorHttp } | undefined;

  /** `random`: a stream of the client's own, forked from the run's (Simulation.random.fork('sim-client')). */
  constructor(
    random: Random,
    /** The data dir whose tokens.json is the store (absent: an in-memory store); `squall tokens` works on it too (client-cli.ts). */
    readonly tokenDir?: string,
    /** The store's report of a malformed entry at a load (fileTokenStore's onBadEntry: the coordinator's log line). */
    onBadEntry?: (path: string, bad: BadTokenEntry) => void,
  ) {
    const admin = createToken(random, 'sim-admin', 'admin', 0);
    const submit = createToken(random, 'sim-client', 'submit', 0);
    // Drawn after the client's own two, so those stay what they were.
    const read = createToken(random, 'sim-probe-read', 'read', 0);
    const probeSubmit = createToken(random, 'sim-probe-submit', 'submit', 0);
    const records = [admin.record, submit.record, read.record, probeSubmit.record];
    this.tokens = tokenDir === undefined ? memoryTokenStore(records) : fileTokenStore(tokenDir, onBadEntry);
    if (tokenDir !== undefined) for (const r of records) this.tokens.add(r);
    this.admin = admin.token;
    this.current = { token: submit.token, id: submit.record.id };
    this.probe = { read: read.token, submit: probeSubmit.token, forged: `sqt_${admin.record.id}_${'0'.repeat(64)}`, admin: admin.token };
  }

  /** Every token the client was made with, by name (promise 8's secret watch: none may show in an answer, frame or log). */
  credentials(): { token: string; name: string }[] {
    return [
      { token: this.admin, name: 'sim-admin' },
      { token: this.current.token, name: 'sim-client' },
      { token: this.probe.read, name: 'sim-probe-read' },
      { token: this.probe.submit, name: 'sim-probe-submit' },
    ];
  }

    get token(): string {
    return this.current.token;
  }

  /**
   * The client's API client for this coordinator incarnation: one per
   * incarnation, not one per request; a restart's new instance gets a new one
   * (the token is read at each call, so a revoke_token undo still shows).
   */
  httpFor(c: Coordinator): CoordinatorHttp {
    if (this.http?.coordinator !== c) this.http = { coordinator: c, api: new CoordinatorHttp(handlerCall(c), () => this.token) };
    return this.http.api;
  }

  /**
   * The revoke_token fault: an admin revokes the client's token through the API
   * (the client keeps sending it); the undo gives the client a new one, also
   * through the API. Both need the coordinator up; the revoke is refused if not.
   * The undo's create is noted (`revokeUndo`: status, the token id its answer
   * showed, the error code): an answer other than 201 with a token is the
   * API's failure, judged by promise 29 (promises-api-created.ts), not a
   * crash of the fault; a token the answer showed is taken whatever the status.
   */
  async revokeToken(sim: Simulation, note?: RunRecorder['note']): Promise<() => Promise<void>> {
    const id = this.current.id;
    const r = await this.asAdmin(sim, 'POST', `/api/v1/tokens/${id}/revoke`, '');
    // The answer is the system's, judged by promise 29 (promises-api-created.ts): a fault that ran, not a harness failure.
    const b = r.body as { error?: { code?: unknown } } | null;
    note?.({ revokeStep: { status: r.status, tokenId: id, ...(typeof b?.error?.code === 'string' ? { code: b.error.code } : {}) } });
    return async () => {
      const n = await this.asAdmin(sim, 'POST', '/api/v1/tokens', JSON.stringify({ name: 'sim-client', scope: 'submit' }));
      const b = n.body as { token?: unknown; id?: unknown; error?: { code?: unknown } } | null;
      const made = typeof b?.token === 'string' && typeof b.id === 'string' ? { token: b.token, id: b.id } : undefined;
      const code = typeof b?.error?.code === 'string' ? { code: b.error.code } : {};
      note?.({ revokeUndo: { status: n.status, ...(made === undefined ? {} : { created: made.id }), ...code } });
      if (made !== undefined) this.current = made;
    };
  }

  /** A request with the admin token to the running coordinator (rejected while it is down). */
  asAdmin(sim: Simulation, method: string, path: string, body: string): Promise<HttpAnswer> {
    return this.call(sim, { method, path, headers: { authorization: `Bearer ${this.admin}`, 'content-type': 'application/json' }, body });
  }

  /** A request as given to the running coordinator's HTTP handler (rejected while it is down). */
  call(sim: Simulation, req: Parameters<HttpCall>[0]): Promise<HttpAnswer> {
    const c = sim.coordinator.instance;
    if (c === null) return Promise.reject(new Error(`${req.method} ${req.path}: the coordinator is down`));
    return probeCall(c)(req);
  }
}

/**
 * An HTTP exchange answered by the coordinator's handler in the same process
 * (no socket), in the shape of a real client's request (client-shapes.ts:
 * its connection, header spellings and scheme case).
 */
function handlerCall(c: Coordinator): HttpCall {
  const wire = wireTo(c);
  return async (req) => {
    const q = req.path.indexOf('?');
    const { headers, peer } = wire.next({ host: 'coordinator', ...req.headers });
    const request: WireRequest = {
      method: req.method,
      path: q < 0 ? req.path : req.path.slice(0, q),
      query: new URLSearchParams(q < 0 ? '' : req.path.slice(q + 1)),
      headers,
      body: req.body ?? '',
      peer,
    };
    // A handler that throws is answered as the real server answers it (system/transport/ws-server.ts): 500 internal, not a crash of the run.
    const answer = await c.handleHttp(request).catch((err: unknown) => ({ status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: 'internal', message: `internal error: ${err instanceof Error ? err.message : String(err)}` } }) }));
    // As the client reads it off the wire: the body by its content-length, bytes past it before the next answer (http-answer.ts).
    const res = readOffWire(c, peer, answer, request.method);
    return { status: res.status, body: parseBody(res.body), headers: lowerHeaders(res.headers) };
  };
}

/** The status a probe records for an answer its client could not read (probeCall): no HTTP status at all. */
const WIRE_FAILED = 0;

/**
 * handlerCall for the harness's probes (adversaries, client reads, the
 * dashboard browser): an answer a client could not read off the wire
 * (HttpWireError, http-answer.ts) is what the probe got, status 0 with the
 * client's error code and message as the body's error, recorded and judged
 * by the promise that reads the probe's record (and the fault itself by
 * promise 29's httpWire note), never a crash of the run.
 */
export function probeCall(c: Coordinator): HttpCall {
  const call = handlerCall(c);
  return (req) =>
    call(req).catch((err: unknown) => {
      if (!(err instanceof HttpWireError)) throw err;
      return { status: WIRE_FAILED, headers: {}, body: { error: { code: err.code, message: err.message } } };
    });
}

/** A control request (cancel, pause, resume) through the coordinator's HTTP API. */
export function simControl(sim: Simulation, client: SimClient, op: 'cancel' | 'pause' | 'resume', executionId: string): ReturnType<CoordinatorHttp['control']> {
  const c = sim.coordinator.instance;
  if (c === null) return Promise.resolve({ ok: false, code: 'unavailable', message: 'coordinator is down' });
  return client.httpFor(c).control(op, executionId);
}

/** One submission through the coordinator's HTTP API; a coordinator killed before it answered leaves the outcome unknown. */
export function simSubmit(sim: Simulation, sub: Submission, h: SubmitHandlers, note: RunRecorder['note'], client: SimClient): void {
  h.begin();
  const s = datedAt(sub, sim.now());
  const coordinator = sim.coordinator.instance;
  if (coordinator === null) {
    h.fail({ code: 'unavailable', message: 'coordinator is down' }, false);
    return;
  }
  let open = true;
  const once = (answer: () => void): void => {
    if (!open) return;
    open = false;
    off();
    answer();
  };
  const died = (): void => once(() => h.fail({ code: 'unavailable', message: 'coordinator died before answering' }, true));
  const off = sim.coordinator.onDeath(died);
  void client.httpFor(coordinator).submit(submitBody(s), s.type, s.client).then((r) => {
    // Answered in the tick the coordinator was killed: the client never got the answer.
    if (sim.coordinator.instance !== coordinator) return died();
    if (r.ok) return once(() => h.ok(r.executionIds, r.status));
    once(() => {
      // A 4xx is a definite refusal (nothing was created); a 5xx may or may not have been, unless the store refused it whole.
      h.fail({ code: r.code, message: r.message, ...(r.status === undefined ? {} : { status: r.status }), ...(r.headers === undefined ? {} : { headers: r.headers }) }, r.indeterminate && !DEFINITE_FAILURES.has(r.code));
      if (r.code === 'store_unavailable') void recordReadyz(coordinator, note, 'store_unavailable');
    });
  });
}

/**
 * Reads /readyz and /healthz at the same instant through the coordinator's HTTP handler (as every client
 * request, handlerCall) and records both, with the store check /readyz named (the store-health promise:
 * liveness fails exactly while the store cannot commit, judged at every read, before, during and after outages).
 */
export async function recordReadyz(c: Coordinator, note: RunRecorder['note'], after: string): Promise<void> {
  const call = probeCall(c);
  const [ready, live] = await Promise.all([call({ method: 'GET', path: '/readyz', headers: {} }), call({ method: 'GET', path: '/healthz', headers: {} })]);
  note({ readyz: ready.status, healthz: live.status, storeCheck: storeCheckOf(ready.body), after });
}

/** The store check a /readyz body names ('ok', 'failing', 'unknown'), or null when the body says none. */
function storeCheckOf(body: unknown): string | null {
  try {
    const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { checks?: { store?: unknown } } | null;
    return typeof parsed?.checks?.store === 'string' ? parsed.checks.store : null;
  } catch {
    return null;
  }
}
