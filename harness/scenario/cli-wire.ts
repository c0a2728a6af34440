/**
 * What node's HTTP client and server do with the bytes of a CLI request,
 * for the simulated exchange (cli-http-sim.ts), so a CLI that builds a
 * request wrong fails in simulation as it would against a real coordinator:
 *
 * - node's client (`http.request`) throws `ERR_INVALID_CHAR` (a TypeError)
 *   before sending anything when a header value holds a character outside
 *   TAB, 0x20-0x7E and 0x80-0xFF (a CR or LF: a token file's newline kept);
 * - node's server strips a header value's leading and trailing spaces and
 *   tabs (llhttp), and reads exactly `content-length` bytes of body: a body
 *   with more bytes (a length counted in UTF-16 units, not UTF-8 bytes)
 *   reaches the handler cut, and the bytes after it are parsed as a next
 *   request, which the server answers `400 Bad Request` (empty body,
 *   connection closed) before the handler's answer; a body with fewer
 *   bytes leaves the server waiting for the rest (no answer: the client's
 *   timeout).
 */
import type { CliHttpRequest } from '../../system/cli/index.js';
import type { CliRequest } from '../check/cli-runs.js';

/** A header value node's client refuses (validateHeaderValue). */
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** The names of the headers node's client refuses to send, with ERR_INVALID_CHAR. */
export function refusedHeaders(headers: Readonly<Record<string, string>>): string[] {
  return Object.entries(headers)
    .filter(([, v]) => INVALID_HEADER_CHAR.test(v))
    .map(([k]) => k);
}

/** The error node's client throws for a refused header. */
export function invalidCharError(name: string): Error {
  return Object.assign(new TypeError(`Invalid character in header content ["${name}"]`), { code: 'ERR_INVALID_CHAR' });
}

/** What node's server makes of a request's framing. */
export type WireBody =
  /** The body as sent: the handler gets it whole. */
  | { kind: 'whole'; body: string }
  /** More bytes than content-length: the handler gets the first ones, the client node's 400. */
  | { kind: 'cut'; body: string }
  /** Fewer bytes than content-length: the server waits for the rest; nothing answers. */
  | { kind: 'stalled' };

/** The declared content-length (undefined: none, node sends the body chunked), or NaN when it is not a decimal number. */
function declaredLength(headers: Readonly<Record<string, string>>): number | undefined {
  const v = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-length')?.[1];
  if (v === undefined) return undefined;
  return /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN;
}

/** The body node's server hands its handler for this request, by its content-length against its UTF-8 bytes. */
export function wireBody(r: CliHttpRequest): WireBody {
  const bytes = r.body ?? Buffer.alloc(0);
  const declared = declaredLength(r.headers);
  if (declared === undefined || declared === bytes.length) return { kind: 'whole', body: bytes.toString('utf8') };
  if (Number.isNaN(declared)) return { kind: 'cut', body: '' };
  if (declared < bytes.length) return { kind: 'cut', body: bytes.subarray(0, declared).toString('utf8') };
  return { kind: 'stalled' };
}

/** Header values as node's server hands them on: optional whitespace around each value stripped. */
export function serverHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace(/^[ \t]+|[ \t]+$/g, '')]));
}

/** node's server's answer to the bytes that follow a cut body (its default clientError handler). */
export const BAD_REQUEST = { status: 400, body: '' } as const;

/** What the request's framing was: its declared content-length, its body's UTF-8 bytes, the headers node's client refuses. */
export function framing(r: CliHttpRequest): Pick<CliRequest, 'contentLength' | 'bodyBytes' | 'refusedHeaders'> {
  const declared = Object.entries(r.headers).find(([k]) => k.toLowerCase() === 'content-length')?.[1];
  const refused = refusedHeaders(r.headers);
  return {
    ...(declared === undefined ? {} : { contentLength: declared }),
    ...(r.body === undefined ? {} : { bodyBytes: r.body.length }),
    ...(refused.length === 0 ? {} : { refusedHeaders: refused }),
  };
}
