/**
 * Part of 29, api-contract: the answers the README documents for a request
 * over a limit and for a request the coordinator cannot serve now, from the
 * checker's own copy of that table (README, "HTTP API" and "Operations",
 * Limits), never read from the system:
 *
 * - limit probes (adversary attack `http-limits`, adversary-limits.ts): a
 *   request whose header names and values add up to more than 16 KiB is
 *   refused 431 `headers_too_large`, a request target over 8 KiB 414
 *   `uri_too_long`, a body over 1 MiB 413 `too_large`; one at or under the
 *   limit is not refused for it (blind set 15 #26: only header names
 *   counted, so 64 KiB of values passed). The harness counts the bytes it
 *   sent itself. A body streamed far past the limit is answered 413 with
 *   the chunk that passed it, and the server never holds more than the
 *   limit of it (blind set 17 #28: the rest buffered until the end);
 * - calls the API cannot take: a cancel, pause or resume of a finished
 *   execution is 409 `conflict`, of an unknown id 404 `not_found`; a method
 *   a route does not serve 405 `method_not_allowed` with Allow; a path no
 *   route has 404 `not_found`;
 * - spec bounds (adversary-spec-bounds.ts, spec-bounds.ts): a submission at
 *   each documented bound of the spec and of each kind's params is accepted,
 *   one a step past it refused 400 `invalid_argument` (blind set 20 #25);
 * - the shutdown window (shutdown-probe.ts): a state-changing request that
 *   reaches a coordinator told to stop is refused 503 with `Retry-After`
 *   (not now, retry), whatever its code, and never acknowledged (blind set
 *   15 #14: `illegal_state` answered 400, a client error a client does not retry).
 */
import type { HistoryRecord } from './history.js';
import { specBoundMismatch, type SpecBoundProbe } from './spec-bounds.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The documented limits: the most bytes accepted, and the refusal above it. */
export const DOCUMENTED_LIMITS: Readonly<Record<string, { max: number; status: number; code: string; what: string; unit?: string }>> = {
  headers: { max: 16 * 1024, status: 431, code: 'headers_too_large', what: 'header names and values' },
  url: { max: 8 * 1024, status: 414, code: 'uri_too_long', what: 'request target' },
  body: { max: 1024 * 1024, status: 413, code: 'too_large', what: 'body' },
  // GET /api/v1/executions?limit= (README, HTTP API): 1 to 1000 executions a page (blind set 18 #02 refused 1000).
  page: { max: 1000, status: 400, code: 'invalid_argument', what: 'listing page size (`limit`)', unit: 'executions' },
};

/** A limit probe as noted: which limit, the bytes the harness counted, the answer; for a streamed body, when the answer came and the most the server held. */
export interface LimitProbe {
  limit: string;
  bytes: number;
  status: number;
  code?: string;
  streamed?: { chunkBytes: number; answeredAfterBytes: number; heldPeakBytes: number };
}

/**
 * A call the API cannot take, and its answer: a control (op) of a finished
 * execution or of an unknown id, a method a route does not serve
 * (`wrong-method`, with the Allow header it got), a path no route has.
 */
export interface EdgeProbe {
  op: string;
  on: 'finished' | 'unknown' | 'wrong-method' | 'unknown-route';
  status: number;
  code?: string;
  allow?: string;
}

const EDGE_ANSWER = {
  finished: { status: 409, code: 'conflict', what: 'a finished execution' },
  unknown: { status: 404, code: 'not_found', what: 'an id no execution has' },
  'wrong-method': { status: 405, code: 'method_not_allowed', what: 'a route that does not serve that method' },
  'unknown-route': { status: 404, code: 'not_found', what: 'a path no route has' },
} as const;

const answer = (p: { status: number; code?: string }): string => `${p.status}${p.code === undefined ? '' : ` ${p.code}`}`;

/** The three rules of the file comment. */
export function checkApiLimits(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    if (rec.f !== 'note') continue;
    const v = rec.value;
    if (v.httpLimit !== undefined) out.push(...limitMismatch(view, rec, v.httpLimit as LimitProbe));
    if (v.httpEdge !== undefined) out.push(...edgeMismatch(view, rec, v.httpEdge as EdgeProbe));
    if (v.specBound !== undefined) {
      const wrong = specBoundMismatch(v.specBound as SpecBoundProbe);
      if (wrong !== undefined) out.push(violation(view.records, 'api-contract', `${wrong} (t=${rec.time})`, { index: rec.index }));
    }
    if (v.shutdownProbe !== undefined) out.push(...shutdownMismatch(view, rec, v.shutdownProbe as { route: string; status: number; code?: string; retryAfter?: string }));
  }
  return out;
}

function limitMismatch(view: HistoryView, rec: HistoryRecord, p: LimitProbe): Violation[] {
  const limit = DOCUMENTED_LIMITS[p.limit];
  if (limit === undefined) return [];
  const over = p.bytes > limit.max;
  const refused = p.status === limit.status && p.code === limit.code;
  if (p.streamed !== undefined && refused) return streamMismatch(view, rec, p, limit.max, p.streamed);
  if (over ? refused : p.status !== limit.status) return [];
  const why = over ? `the README allows at most ${limit.max}: it must be refused ${limit.status} ${limit.code}` : `the README allows up to ${limit.max}: it must not be refused ${limit.status}`;
  const size = limit.unit === undefined ? `are ${p.bytes} bytes` : `is ${p.bytes} ${limit.unit}`;
  return [violation(view.records, 'api-contract', `a request whose ${limit.what} ${size} was answered ${answer(p)} at t=${rec.time}: ${why}`, { index: rec.index })];
}

/**
 * A body streamed far past the limit, refused: the answer must come with the
 * chunk that passed the limit (not at the body's end), and the server must
 * never have held more than the limit (what it reads past it is dropped).
 */
function streamMismatch(view: HistoryView, rec: HistoryRecord, p: LimitProbe, max: number, s: NonNullable<LimitProbe['streamed']>): Violation[] {
  const out: Violation[] = [];
  const sent = `a body streamed in chunks of ${s.chunkBytes} bytes to ${p.bytes} bytes (the limit is ${max}) at t=${rec.time}`;
  if (s.answeredAfterBytes > max + s.chunkBytes) {
    out.push(violation(view.records, 'api-contract', `${sent} was answered 413 only once ${s.answeredAfterBytes} bytes were sent: the refusal is due when the body passes the limit, not at its end (a client streaming gigabytes waits for it all)`, { index: rec.index }));
  }
  if (s.heldPeakBytes > max) {
    out.push(violation(view.records, 'api-contract', `${sent}: the server held ${s.heldPeakBytes} bytes of it at once: a body past the limit is dropped, never kept (the limit bounds the memory one request takes)`, { index: rec.index }));
  }
  return out;
}

function edgeMismatch(view: HistoryView, rec: HistoryRecord, p: EdgeProbe): Violation[] {
  const want = EDGE_ANSWER[p.on];
  const allowed = p.on !== 'wrong-method' || (p.allow ?? '') !== '';
  if (p.status === want.status && p.code === want.code && allowed) return [];
  const why = allowed ? `the contract says ${want.status} ${want.code}` : 'a 405 names the methods the route serves (Allow)';
  return [violation(view.records, 'api-contract', `a ${p.op} of ${want.what} was answered ${answer(p)} at t=${rec.time}: ${why}`, { index: rec.index })];
}

function shutdownMismatch(view: HistoryView, rec: HistoryRecord, p: { route: string; status: number; code?: string; retryAfter?: string }): Violation[] {
  if (p.status === 503 && p.retryAfter !== undefined && Number(p.retryAfter) >= 0) return [];
  const why = p.status === 503 ? 'without Retry-After: the client must be told when to come back' : p.status < 300 ? 'it was acted on by a coordinator that is stopping' : 'a coordinator that is stopping answers 503 with Retry-After (not now, retry), not a refusal of the request itself';
  return [violation(view.records, 'api-contract', `POST ${p.route}, sent after the coordinator was told to stop (t=${rec.time}), was answered ${answer(p)}: ${why}`, { index: rec.index })];
}
