/**
 * The CLI's HTTP exchange (system/cli/cli-http.ts) in simulation: each
 * request reaches the running coordinator's own HTTP handler after a
 * one-way latency on virtual time, and its answer comes back after another,
 * so a command that never waits between reads still lets time pass (and is
 * seen making hundreds of reads a second, not hanging the loop). Weather as
 * a socket would show it: no coordinator → ECONNREFUSED; the coordinator
 * killed while the request is in flight → ECONNRESET; no answer within the
 * request's timeout → ETIMEDOUT. The event stream (GET /ui/events) is the
 * handler's own stream, started on a sink that hands each chunk to the CLI
 * after the latency and ends when the coordinator dies. Every request is
 * recorded (time sent and answered, status or socket error, and what the
 * answer showed) for harness/check/promises-cli.ts.
 */
import type { Coordinator } from '../../system/coordinator/index.js';
import { type CliHttp, type CliHttpAnswer, type CliHttpRequest, type CliStreamSink, cliHttpOver } from '../../system/cli/index.js';
import type { HttpResponse, HttpStreamSink } from '../../system/core/index.js';
import type { CliRequest, CreatedView, PushedEvent } from '../check/cli-runs.js';
import type { Simulation } from '../sim/index.js';
import type { WirePeer, WireRequest } from '../sim/http-wire.js';
import { HttpWireError, readOffWire } from '../sim/http-answer.js';
import { wireTo } from './client-shapes.js';
import { type ChunkedStream, chunkedSend, chunkedStreamSend, garbledAt, watchedSink } from './cli-http-chunks.js';
import { pushedEvents, reencoded } from './cli-sse-weather.js';
import type { CliObserver } from './cli-ops.js';
import { BAD_REQUEST, framing, invalidCharError, refusedHeaders, serverHeaders, wireBody } from './cli-wire.js';
import { lowerHeaders } from './http-client.js';

/** One request in flight: its record, its body as the wire carries it, and who observes its answer. */
interface Exchange {
  rec: CliRequest;
  wire: ReturnType<typeof wireBody>;
  observed: ReturnType<CliObserver> | undefined;
}

/** One-way latency between the CLI and the coordinator (virtual ms). */
const CLI_LATENCY_MS = 1;

/**
 * The requests (its event stream aside) one command may make: a watch
 * polling every 100 ms for over a minute stays under it; a command that
 * loops without end reaches it in seconds of virtual time, is stopped there
 * (its next request is never answered) and recorded as hung.
 */
const MAX_CLI_REQUESTS = 1000;

/**
 * The same request (method, path, body) sent this many times in a row with
 * no sleep between (CliIo.sleep: a watch's poll): a loop that does not move
 * on (a listing re-reading one page), stopped and recorded as hung within
 * tens of virtual ms, before it can fill the run's event budget.
 */
const MAX_SAME_IN_A_ROW = 50;

/** A socket-level failure, as node:http reports it. */
function socketError(code: string): Error {
  return Object.assign(new Error(`${code.toLowerCase()} (simulated)`), { code });
}

/** What an answer showed: [id, status] pairs (an execution, a page of them, a submission, the workers), and an execution's statusHistory. */
function seenIn(body: string): Pick<CliRequest, 'seen' | 'history' | 'nextCursor' | 'draining'> {
  let b: unknown;
  try {
    b = JSON.parse(body) as unknown;
  } catch {
    return {};
  }
  if (b === null || typeof b !== 'object') return {};
  const o = b as { executionId?: unknown; status?: unknown; statusHistory?: unknown; executions?: unknown; nextCursor?: unknown; workers?: { draining?: unknown }[] };
  const pair = (x: { executionId?: unknown; id?: unknown; status?: unknown; state?: unknown }): [string, string] => [String(x.executionId ?? x.id), String(x.status ?? x.state)];
  if (typeof o.executionId === 'string') {
    const history = Array.isArray(o.statusHistory) ? (o.statusHistory as { status?: unknown; at?: unknown }[]).map((h): [string, number] => [String(h.status), Number(h.at)]) : undefined;
    return { seen: [pair(o)], ...(history === undefined ? {} : { history }) };
  }
  if (Array.isArray(o.executions)) return { seen: (o.executions as object[]).map(pair), ...(o.nextCursor === undefined ? {} : { nextCursor: o.nextCursor === null ? null : String(o.nextCursor) }) };
  if (Array.isArray(o.workers)) return { seen: (o.workers as object[]).map(pair), draining: o.workers.filter((w) => w?.draining === true).map((w) => String((w as { id?: unknown }).id)) };
  return {};
}

/** The times of each execution or worker an answer showed (CliRequest.times). */
function timesIn(body: string): Pick<CliRequest, 'times'> {
  const b = parsed(body) as { executionId?: unknown; executions?: unknown; workers?: unknown } | undefined;
  const t = (x: unknown): number | null => (typeof x === 'number' ? x : null);
  const ex = (x: Record<string, unknown>): [string, Record<string, number | null>] => {
    const h = Array.isArray(x.statusHistory) ? (x.statusHistory as { at?: unknown }[]).at(-1)?.at : undefined;
    return [String(x.executionId), { createdAt: t(x.createdAt), changedAt: t(h), nextRunAt: t(x.nextRunAt), startedAt: t(x.startedAt), completedAt: t(x.completedAt) }];
  };
  if (typeof b?.executionId === 'string') return { times: [ex(b as Record<string, unknown>)] };
  if (Array.isArray(b?.executions)) return { times: (b.executions as Record<string, unknown>[]).map(ex) };
  if (Array.isArray(b?.workers)) return { times: (b.workers as Record<string, unknown>[]).map((w) => [String(w.id), { connectedAt: t(w.connectedAt), disconnectedAt: t(w.disconnectedAt), lastSeenAt: t(w.lastSeenAt), rttMs: t(w.rttMs) }]) };
  return {};
}

/** A JSON text parsed, or undefined. */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A submission's answer (one execution, a batch's or graph's `executions`) or an execution read: the option fields of the executions it shows. */
function createdIn(path: string, status: number, body: string): Pick<CliRequest, 'created'> {
  const read = /^\/api\/v1\/executions\/[^/?]+$/.test(path) && path !== '/api/v1/executions/batch';
  if (status >= 300 || !(read || ['/api/v1/executions', '/api/v1/executions/batch', '/api/v1/graphs'].includes(path))) return {};
  const b = parsed(body) as { executionId?: unknown; executions?: unknown } | undefined;
  const list = typeof b?.executionId === 'string' ? [b] : Array.isArray(b?.executions) ? (b.executions as Record<string, unknown>[]) : [];
  const pick = (x: Record<string, unknown>): CreatedView => ({ executionId: String(x.executionId), taskId: x.taskId, kind: x.kind, params: x.params, priority: x.priority, timeoutMs: x.timeoutMs, retry: x.retry, idempotencyKey: x.idempotencyKey, dependencies: x.dependencies });
  return { created: (list as Record<string, unknown>[]).map(pick) };
}

/** The exchange of one CLI command; `requests` and `pushes` fill as it runs. */
export class SimCliHttp implements CliHttp {
  readonly requests: CliRequest[] = [];
  /** Pushes of the event stream the command received: [time, execution ids its events name]. */
  readonly pushes: [number, string[]][] = [];
  /** The events of each push, as sent: [time, events] (for `executions watch`, every event). */
  readonly streamed: [number, PushedEvent[]][] = [];

  /** Its own requests so far (the event stream aside). */
  private made = 0;
  /** The latest request (method, path, body) and how many times in a row it was sent with no sleep between. */
  private last = { key: '', times: 0 };
  private stopped = false;

  constructor(
    private readonly sim: Simulation,
    private readonly observe?: CliObserver,
    /** Called once, when the command asks for a request over MAX_CLI_REQUESTS or one more of the same in a row (`same`): that request is never answered. */
    private readonly onCap?: (made: number, same?: string) => void,
  ) {}

  /** The command slept (a poll's wait): the same request again afterwards is a poll, not a loop. */
  slept(): void {
    this.last = { key: '', times: 0 };
  }

  request(r: CliHttpRequest): Promise<CliHttpAnswer> {
    if (this.capped(r)) return new Promise(() => {});
    // Read by the CLI's own reader, the body in chunks cut inside characters (cli-http-chunks.ts): what it hands up must be the answer.
    const answered: { rec?: CliRequest; body?: string } = {};
    const send = chunkedSend((answer, fail) => this.begin(r, answered, answer, fail));
    return cliHttpOver(send)
      .request(r)
      .then((a) => {
        const garbled = answered.body === undefined ? undefined : garbledAt(answered.body, a.body);
        if (garbled !== undefined && answered.rec !== undefined) answered.rec.garbled = garbled;
        return a;
      });
  }

  /** Records the request and starts its exchange; throws (as node's client does) for a header node refuses. */
  private begin(r: CliHttpRequest, answered: { rec?: CliRequest; body?: string }, answer: (a: CliHttpAnswer) => void, fail: (e: Error) => void): void {
    this.made++;
    const rec: CliRequest = { method: r.method, path: r.url.pathname + r.url.search, at: this.sim.simulatedMs, ...framing(r) };
    const sent = r.method === 'POST' && r.body !== undefined ? parsed(r.body.toString('utf8')) : undefined;
    if (sent !== undefined) rec.sent = sent;
    this.requests.push(rec);
    answered.rec = rec;
    const refused = refusedHeaders(r.headers)[0];
    // node's http.request throws before anything is sent (the Promise executor of cli-http.ts turns it into a rejection).
    if (refused !== undefined) throw ((rec.error = 'ERR_INVALID_CHAR'), (rec.answeredAt = rec.at), invalidCharError(refused));
    const wire = wireBody(r);
    const observed = wire.kind === 'whole' ? this.observe?.(r.method, rec.path, wire.body) : undefined;
    this.exchange(r, { rec, wire, observed }, (a) => ((answered.body = a.body), answer(a)), fail);
  }

  /** Past the cap (1000 requests, or the same one too many times in a row): the command is stopped, its request never answered. */
  private capped(r: CliHttpRequest): boolean {
    const key = `${r.method} ${r.url.pathname}${r.url.search}${r.body === undefined ? '' : ` ${r.body.toString('utf8')}`}`;
    this.last = { key, times: this.last.key === key ? this.last.times + 1 : 1 };
    if (!this.stopped && this.made + 1 <= MAX_CLI_REQUESTS && this.last.times <= MAX_SAME_IN_A_ROW) return false;
    if (!this.stopped) this.onCap?.(this.made, this.last.times > MAX_SAME_IN_A_ROW ? `${r.method} ${r.url.pathname}${r.url.search}` : undefined);
    this.stopped = true;
    return true;
  }

  /** One request over the simulated network to the coordinator's handler and back, recorded in `rec`. */
  private exchange(r: CliHttpRequest, x: Exchange, resolve: (a: CliHttpAnswer) => void, reject: (e: Error) => void): void {
    const { rec, wire, observed } = x;
    let open = true;
    const settle = (fn: () => void): void => {
      if (!open) return;
      open = false;
      rec.answeredAt = this.sim.simulatedMs;
      fn();
    };
    const fail = (code: string): void => settle(() => ((rec.error = code), observed?.({ error: code }), reject(socketError(code))));
    this.sim.time.setTimeout(() => {
      const c = this.sim.coordinator.instance;
      if (c === null) return fail('ECONNREFUSED');
      const off = this.sim.coordinator.onDeath(() => fail('ECONNRESET'));
      const timer = this.sim.time.setTimeout(() => (off(), fail('ETIMEDOUT')), r.timeoutMs ?? 30_000);
      const done = (): void => (off(), timer.cancel());
      if (wire.kind === 'stalled') return;
      // From the simulated clients' host, on a connection of its own (client-shapes.ts): the same client for the quota.
      const peer = wireTo(c).peer(false);
      void this.handle(c, r, wire.body, peer).then((handled) => {
        if (!open) return;
        let res: Pick<HttpResponse, 'status' | 'body' | 'headers'>;
        try {
          // As node's client reads it off the wire: the body by its content-length (harness/sim/http-answer.ts).
          res = wire.kind === 'cut' ? { ...BAD_REQUEST, headers: {} } : readOffWire(c, peer, handled, r.method);
        } catch (err) {
          done();
          return fail(err instanceof HttpWireError ? err.code : 'ECONNRESET');
        }
        this.sim.time.setTimeout(() => {
          done();
          settle(() => {
            Object.assign(rec, { status: res.status }, seenIn(res.body), createdIn(rec.path, res.status, res.body), res.status < 300 ? timesIn(res.body) : {});
            observed?.({ status: res.status, body: res.body, headers: lowerHeaders(res.headers) });
            resolve({ status: res.status, body: res.body });
          });
        }, CLI_LATENCY_MS);
      });
    }, CLI_LATENCY_MS);
  }

  stream(r: CliHttpRequest, sink: CliStreamSink): Promise<void> {
    const rec: CliRequest = { method: r.method, path: r.url.pathname, at: this.sim.simulatedMs, stream: true, ...framing(r) };
    this.requests.push(rec);
    const refused = refusedHeaders(r.headers)[0];
    if (refused !== undefined) return ((rec.error = 'ERR_INVALID_CHAR'), (rec.answeredAt = rec.at), Promise.reject(invalidCharError(refused)));
    // Read by the CLI's own stream reader, each write in pieces cut inside characters and lines (cli-http-chunks.ts): what it hands up must be what was sent.
    const watched = watchedSink(sink, (g) => (rec.garbled = g));
    return cliHttpOver(chunkedStreamSend((s) => this.play(r, rec, s, watched))).stream(r, watched.sink);
  }

  /** The stream's exchange after the latency: refused, answered without a stream, or the coordinator's stream played to the CLI. */
  private play(r: CliHttpRequest, rec: CliRequest, s: ChunkedStream, watched: ReturnType<typeof watchedSink>): void {
    this.sim.time.setTimeout(() => {
      const c = this.sim.coordinator.instance;
      rec.answeredAt = this.sim.simulatedMs;
      if (c === null) return void ((rec.error = 'ECONNREFUSED'), s.fail(socketError('ECONNREFUSED')));
      void this.handle(c, r, '', wireTo(c).peer(false)).then((res) => {
        rec.status = res.status;
        s.open(res.status);
        if (!watched.accepted() || res.stream === undefined || r.signal?.aborted === true) return s.end();
        res.stream.start(this.streamSink(s, rec, watched.sent, r.signal));
      });
    }, CLI_LATENCY_MS);
  }

  /** The coordinator's end of a stream: chunks reach the CLI after the latency; it ends on abort or the coordinator's death. */
  private streamSink(s: ChunkedStream, rec: CliRequest, sent: (text: string) => void, signal: AbortSignal | undefined): HttpStreamSink {
    const closers: (() => void)[] = [];
    let ended = false;
    let writes = 0;
    const end = (by: NonNullable<CliRequest['endedBy']>): void => {
      if (ended) return;
      ended = true;
      Object.assign(rec, { endedAt: this.sim.simulatedMs, endedBy: by });
      off();
      signal?.removeEventListener('abort', closed);
      for (const fn of closers.splice(0)) fn();
      s.end();
    };
    const closed = (): void => end('cli');
    const off = this.sim.coordinator.onDeath(() => end('coordinator'));
    signal?.addEventListener('abort', closed, { once: true });
    return {
      write: (chunk) => {
        if (ended) return false;
        this.sim.time.setTimeout(() => {
          if (ended) return;
          const events = pushedEvents(chunk);
          if (events !== undefined) {
            this.pushes.push([this.sim.simulatedMs, events.flatMap((e) => (e.executionId === undefined ? [] : [e.executionId]))]);
            this.streamed.push([this.sim.simulatedMs, events]);
          }
          // The same events in another encoding of the format, by turns (cli-sse-weather.ts).
          const text = reencoded(chunk, writes++);
          s.write(text);
          sent(text);
        }, CLI_LATENCY_MS);
        return true;
      },
      end: () => end('coordinator'),
      onClose: (fn) => void closers.push(fn),
    };
  }

  /** The coordinator's handler, given the request as node's server hands it on (header values trimmed, the body it read). */
  private handle(c: Coordinator, r: CliHttpRequest, body: string, peer: WirePeer): ReturnType<Coordinator['handleHttp']> {
    const request: WireRequest = {
      method: r.method,
      path: r.url.pathname,
      query: r.url.searchParams,
      headers: { host: 'coordinator', ...serverHeaders(r.headers) },
      body,
      peer,
    };
    return c.handleHttp(request);
  }
}
