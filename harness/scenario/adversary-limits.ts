/**
 * The HTTP adversary's limit and edge probes (part of attack `http-scopes`,
 * adversary-http.ts): requests at and just over each documented request
 * limit (README, Operations, Limits: headers 16 KiB, names and values, 431;
 * request target 8 KiB, 414; body 1 MiB, 413; a listing page of 1000
 * executions, 400 past it), the header bytes in big
 * values (one huge cookie, then a token and many cookies) and far over (60
 * KiB, still under what the parser takes; 65 KiB, past node's own parser
 * cap, refused by node and answered by the server's parser-error mapping,
 * harness/sim/http-wire.ts), a submission streaming a body 32 times the
 * limit in 64 KiB chunks (answered 413 at the limit, nothing past it held:
 * the reader's buffer is measured), a method node does not know (405), and the state-changing calls on
 * executions that cannot take them: cancel, pause and resume of a finished
 * execution (409 conflict) and of an id nothing has (404 not_found), a
 * method a route does not serve (405 with Allow) and a path no route has
 * (404). They
 * go through the coordinator's handler behind the real server's plumbing
 * (harness/sim/http-plumbing.ts, which applies the server's request limits
 * and body reader), and the harness counts the bytes it sent itself. Noted
 * as `httpLimit` and `httpEdge`; promise 29 judges them
 * (harness/check/promises-api-limits.ts), from its own copy of the table.
 */
import type { HistoryRecorder } from '../check/history.js';
import { DOCUMENTED_LIMITS, type EdgeProbe, type LimitProbe } from '../check/promises-api-limits.js';
import { HTTP_ADVERSARY } from '../check/api-scopes.js';
import type { Simulation } from '../sim/index.js';
import type { BodyRead, WireRequest } from '../sim/http-wire.js';
import { probeCall, type SimClient } from './sim-client.js';

const limitOf = (name: string): number => DOCUMENTED_LIMITS[name]?.max ?? 0;

/** node's own header cap on the real server (maxHeaderSize): headers past it are refused by node's parser, not by the limits. */
const PARSER_CAP = 64 * 1024;

function codeOf(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

const headerBytes = (h: Record<string, string>): number => Object.entries(h).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);

/** `base` padded to exactly `total` header bytes: in one cookie, or split as a token header and cookies of 1 KiB. */
function paddedHeaders(base: Record<string, string>, total: number, spread: boolean): Record<string, string> {
  const out = { ...base };
  if (!spread) {
    out.cookie = '';
    out.cookie = 'x'.repeat(Math.max(0, total - headerBytes(out)));
    return out;
  }
  for (let i = 0; headerBytes(out) + 1024 + 12 < total; i++) out[`x-cookie-${String(i).padStart(3, '0')}`] = 'c'.repeat(1024);
  out['x-session-token'] = '';
  out['x-session-token'] = 't'.repeat(Math.max(0, total - headerBytes(out)));
  return out;
}

/** One round of limit and edge probes (skipped while the coordinator is down). */
export async function probeLimits(sim: Simulation, client: SimClient, recorder: HistoryRecorder): Promise<void> {
  const c = sim.coordinator.instance;
  if (c === null) return;
  const call = probeCall(c);
  const note = (p: LimitProbe | EdgeProbe, key: 'httpLimit' | 'httpEdge'): void => recorder.recordInfo({ [key]: p }, HTTP_ADVERSARY);
  const read = { host: 'coordinator', authorization: `Bearer ${client.probe.read}` };
  const maxHeaders = limitOf('headers');
  for (const [total, spread] of [[maxHeaders, false], [maxHeaders + 1, false], [maxHeaders, true], [maxHeaders + 1, true], [60 * 1024, true], [PARSER_CAP + 1024, true]] as const) {
    const headers = paddedHeaders(read, total, spread);
    const res = await call({ method: 'GET', path: '/api/v1/stats', headers });
    note({ limit: 'headers', bytes: headerBytes(headers), status: res.status, ...optional(codeOf(res.body)) }, 'httpLimit');
  }
  for (const extra of [0, 1]) {
    const prefix = '/api/v1/executions?taskId=';
    const path = prefix + 'q'.repeat(limitOf('url') - prefix.length + extra);
    const res = await call({ method: 'GET', path, headers: read });
    note({ limit: 'url', bytes: Buffer.byteLength(path), status: res.status, ...optional(codeOf(res.body)) }, 'httpLimit');
  }
  for (const extra of [0, 1]) {
    const size = limitOf('page') + extra;
    const res = await call({ method: 'GET', path: `/api/v1/executions?limit=${size}`, headers: read });
    note({ limit: 'page', bytes: size, status: res.status, ...optional(codeOf(res.body)) }, 'httpLimit');
  }
  const submit = { authorization: `Bearer ${client.probe.submit}`, 'content-type': 'application/json' };
  for (const extra of [0, 1]) {
    const frame = '{"reason":""}';
    const body = `{"reason":"${'r'.repeat(limitOf('body') - frame.length + extra)}"}`;
    const res = await call({ method: 'POST', path: '/api/v1/executions/probe-unknown-id/cancel', headers: submit, body });
    note({ limit: 'body', bytes: Buffer.byteLength(body), status: res.status, ...optional(codeOf(res.body)) }, 'httpLimit');
  }
  const streamed = await streamOversizedBody(sim, submit);
  if (streamed !== undefined) note(streamed, 'httpLimit');
  await probeEdges(sim, client, (p) => note(p, 'httpEdge'));
}

/** The oversized upload: 32 times the body limit, streamed in chunks of 64 KiB. */
const UPLOAD = { chunkBytes: 64 * 1024, times: 32 };

/**
 * A submission whose body is far past the limit, streamed in chunks through
 * the real server's reader (http-plumbing.ts `streamed`): noted with the
 * bytes sent, when the answer came and the most the server held.
 */
async function streamOversizedBody(sim: Simulation, headers: Record<string, string>): Promise<LimitProbe | undefined> {
  const c = sim.coordinator.instance;
  if (c === null) return undefined;
  let read: BodyRead | undefined;
  const request: WireRequest = {
    method: 'POST',
    path: '/api/v1/executions',
    query: new URLSearchParams(),
    headers: { host: 'coordinator', ...headers },
    body: '',
    streamed: { chunkBytes: UPLOAD.chunkBytes, totalBytes: UPLOAD.times * limitOf('body'), observe: (r) => (read = r) },
  };
  const res = await c.handleHttp(request);
  if (read === undefined) return undefined;
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(res.body) as unknown;
  } catch {
    parsed = null;
  }
  return { limit: 'body', bytes: read.sentBytes, status: res.status, ...optional(codeOf(parsed)), streamed: { chunkBytes: UPLOAD.chunkBytes, answeredAfterBytes: read.answeredAfterBytes, heldPeakBytes: read.heldPeakBytes } };
}

const optional = (code: string | undefined): { code?: string } => (code === undefined ? {} : { code });

/** Cancel, pause and resume of a finished execution (if the listing shows one) and of an unknown id. */
async function probeEdges(sim: Simulation, client: SimClient, note: (p: EdgeProbe) => void): Promise<void> {
  const c = sim.coordinator.instance;
  if (c === null) return;
  const call = probeCall(c);
  const ids: [EdgeProbe['on'], string][] = [['unknown', 'probe-unknown-id']];
  for (const status of ['completed', 'failed', 'cancelled']) {
    const res = await call({ method: 'GET', path: `/api/v1/executions?status=${status}&limit=1`, headers: { authorization: `Bearer ${client.probe.read}` } });
    const id = (res.body as { executions?: { executionId?: string }[] } | null)?.executions?.[0]?.executionId;
    if (id !== undefined) ids.push(['finished', id]);
  }
  for (const [on, id] of ids) {
    for (const op of ['cancel', 'pause', 'resume']) {
      const res = await call({ method: 'POST', path: `/api/v1/executions/${encodeURIComponent(id)}/${op}`, headers: { authorization: `Bearer ${client.probe.submit}`, 'content-type': 'application/json' }, body: '' });
      note({ op, on, status: res.status, ...optional(codeOf(res.body)) });
    }
  }
  const wrong = await call({ method: 'DELETE', path: '/api/v1/executions', headers: { authorization: `Bearer ${client.probe.submit}`, 'content-type': 'application/json' }, body: '{}' });
  note({ op: 'DELETE /api/v1/executions', on: 'wrong-method', status: wrong.status, ...optional(codeOf(wrong.body)), ...(wrong.headers.allow === undefined ? {} : { allow: wrong.headers.allow }) });
  // A method node's parser does not know never reaches a route: the real server's parser-error answer.
  const unknown = await call({ method: 'FROB', path: '/api/v1/executions', headers: { authorization: `Bearer ${client.probe.read}` } });
  note({ op: 'FROB /api/v1/executions', on: 'wrong-method', status: unknown.status, ...optional(codeOf(unknown.body)), ...(unknown.headers.allow === undefined ? {} : { allow: unknown.headers.allow }) });
  const nowhere = await call({ method: 'GET', path: '/api/v1/no-such-route', headers: { authorization: `Bearer ${client.probe.read}` } });
  note({ op: 'GET /api/v1/no-such-route', on: 'unknown-route', status: nowhere.status, ...optional(codeOf(nowhere.body)) });
}
