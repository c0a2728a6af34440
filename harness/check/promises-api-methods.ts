/**
 * Part of 29, api-contract: media types and the method matrix, by the
 * checker's own reading of RFC 9110 and of the README's route table
 * (api-scopes.ts), never the system's gate:
 *
 * - media types (`httpMedia` notes, adversary-methods.ts probeMediaTypes):
 *   a body is JSON when its Content-Type's media type (before any
 *   parameter) is `application/json`, compared case-insensitively with the
 *   optional whitespace around it dropped (RFC 9110 8.3.1: `charset=utf-8`,
 *   quoted or not, is a parameter, not another type). Every body-taking
 *   route must take such a body (not 415) and refuse 415
 *   `unsupported_media_type` any other type (`application/jsonx`,
 *   `text/json`, `application/json-patch+json`) and a body with no type
 *   (blind set 21 #14 compared the whole header: `application/json;
 *   charset=utf-8`, what most clients send, refused 415);
 * - the method matrix (`httpMethod` notes, probeMethodMatrix): every method
 *   the README does not document for a route is answered 405
 *   `method_not_allowed` with an Allow header naming the documented ones,
 *   and has no effect: the state the adversary read before it (its own
 *   token still valid, its own parked execution unchanged, nothing made
 *   from the body it sent) is the state it reads after (blind set 21 #16:
 *   GET /api/v1/tokens/{id}/revoke revoked the token and answered 200);
 *   the Allow names HEAD beside a documented GET (the README: every GET
 *   route serves HEAD);
 * - HEAD is GET without the body (`httpHead` notes, probeHeadMatrix; RFC
 *   9110 9.3.2 and the README's note under the API table): on every route
 *   documented GET, a HEAD between two GETs is answered the GET's status
 *   and headers, no body, and a Content-Length of the GET body's UTF-8
 *   bytes; judged against the GETs only when the two agree (a read of
 *   something that changed between them says nothing of the HEAD).
 */
import { HTTP_ADVERSARY } from './api-scopes.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** A body probe as noted: the route, the Content-Type sent (absent: none), whether the body was empty, the answer. */
export interface MediaProbe {
  route: string;
  type?: string;
  empty: boolean;
  status: number;
  code?: string;
}

/** A method probe as noted: the route template, the method sent, the documented ones, the answer, the state read before and after. */
export interface MethodProbe {
  route: string;
  method: string;
  documented: string[];
  status: number;
  code?: string;
  allow?: string;
  before: string;
  after: string;
}

/** One answer as the head probe saw it: status, headers (lower-case names; a HEAD's content-length kept), UTF-8 bytes of the body read. */
export interface SeenAnswer {
  status: number;
  headers: Record<string, string>;
  bytes: number;
}

/** A head probe as noted: the route template, a GET, the HEAD, a GET again. */
export interface HeadProbe {
  route: string;
  /** The token role the three requests carried (admin, submit, read, forged, none); absent in notes before session 36: admin. */
  role?: string;
  get: SeenAnswer;
  head: SeenAnswer;
  again: SeenAnswer;
}

/** Whether a Content-Type header declares JSON (RFC 9110 8.3.1: type/subtype case-insensitive, parameters after `;`, OWS around). */
export function declaresJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const media = (contentType.split(';')[0] ?? '').replace(/^[ \t]+|[ \t]+$/g, '').toLowerCase();
  return media === 'application/json';
}

const answer = (p: { status: number; code?: string }): string => `${p.status}${p.code === undefined ? '' : ` ${p.code}`}`;

/** Both rules of the file comment. */
export function checkMediaAndMethods(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    if (rec.f !== 'note' || rec.process !== HTTP_ADVERSARY) continue;
    const media = rec.value.httpMedia as MediaProbe | undefined;
    const wrong = media === undefined ? undefined : mediaMismatch(media);
    if (wrong !== undefined) out.push(violation(view.records, 'api-contract', `${wrong} (t=${rec.time})`, { index: rec.index }));
    const method = rec.value.httpMethod as MethodProbe | undefined;
    for (const w of method === undefined ? [] : methodMismatches(method)) out.push(violation(view.records, 'api-contract', `${w} (t=${rec.time})`, { index: rec.index }));
    const head = rec.value.httpHead as HeadProbe | undefined;
    for (const w of head === undefined ? [] : headMismatches(head)) out.push(violation(view.records, 'api-contract', `${w} (t=${rec.time})`, { index: rec.index }));
  }
  return out;
}

function mediaMismatch(p: MediaProbe): string | undefined {
  if (p.status === 0) return undefined; // an answer the client could not read: promise 29's wire rule judges it
  const mustRefuse = p.type === undefined ? !p.empty : !declaresJson(p.type);
  const refused = p.status === 415 && p.code === 'unsupported_media_type';
  if (refused === mustRefuse && p.status !== 500) return undefined;
  const sent = `POST ${p.route} with ${p.type === undefined ? 'no Content-Type' : `Content-Type ${JSON.stringify(p.type)}`} and ${p.empty ? 'an empty body' : 'a body'}`;
  const why = mustRefuse
    ? 'its media type is not application/json: it must be refused 415 unsupported_media_type'
    : 'its media type is application/json (RFC 9110: case-insensitive, parameters such as charset and whitespace around them allowed): it must not be refused 415';
  return `${sent} was answered ${answer(p)}: ${why}`;
}

function methodMismatches(p: MethodProbe): string[] {
  if (p.status === 0) return [];
  const out: string[] = [];
  const sent = `${p.method} ${p.route} (the README documents ${p.documented.join(', ')})`;
  // A HEAD answer has no body (RFC 9110 9.3.2), so no error code to read.
  if (p.status !== 405 || (p.method !== 'HEAD' && p.code !== 'method_not_allowed')) out.push(`${sent} was answered ${answer(p)}: a method the route does not serve must be refused 405 method_not_allowed`);
  else {
    const allow = (p.allow ?? '').split(',').map((m) => m.trim().toUpperCase()).filter((m) => m !== '');
    // Every GET route serves HEAD too (README, under the API table; RFC 9110 9.3.2).
    const serves = p.documented.includes('GET') && !p.documented.includes('HEAD') ? [...p.documented, 'HEAD'] : p.documented;
    const missing = serves.filter((m) => !allow.includes(m));
    const extra = allow.filter((m) => !serves.includes(m));
    if (missing.length > 0 || extra.length > 0) out.push(`${sent} was answered 405 with Allow ${JSON.stringify(p.allow ?? null)}: a 405 names exactly the methods the route serves (${serves.join(', ')})`);
  }
  if (p.before !== p.after) out.push(`${sent} changed what the adversary reads: before ${p.before}, after ${p.after}: a request refused for its method has no effect`);
  return out;
}

const without = (h: Record<string, string>, name: string): string => JSON.stringify(Object.entries(h).filter(([k]) => k !== name).sort(([a], [b]) => (a < b ? -1 : 1)));

function headMismatches(p: HeadProbe): string[] {
  const { get, head, again } = p;
  if (get.status === 0 || head.status === 0 || again.status === 0) return [];
  const sent = `HEAD ${p.route} ${p.role === 'none' ? 'with no token' : `with ${p.role === undefined || p.role === 'admin' ? 'an admin' : `a ${p.role}`} token`} (the README documents GET, so HEAD too, through the same gate)`;
  const out: string[] = [];
  if (head.bytes > 0) out.push(`${sent} was answered with a ${head.bytes}-byte body: a HEAD answer has none`);
  const stable = get.status === again.status && without(get.headers, 'content-length') === without(again.headers, 'content-length');
  if (!stable) return out;
  if (head.status !== get.status) out.push(`${sent} was answered ${head.status}, the GET around it ${get.status}: HEAD is answered the status GET is`);
  else if (without(head.headers, 'content-length') !== without(get.headers, 'content-length')) {
    out.push(`${sent} was answered headers ${without(head.headers, 'content-length')}, the GET around it ${without(get.headers, 'content-length')}: HEAD carries the headers GET does`);
  }
  const length = head.headers['content-length'];
  // A stream (server-sent events) has no length to give: its GET reads nothing here and its HEAD names none.
  if (head.status === get.status && get.bytes === again.bytes && !(length === undefined && get.bytes === 0) && length !== String(get.bytes)) {
    out.push(`${sent} was answered Content-Length ${JSON.stringify(length ?? null)}, the GET around it read ${get.bytes} bytes: a HEAD's Content-Length is the GET body's`);
  }
  return out;
}
