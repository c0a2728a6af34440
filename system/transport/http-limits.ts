/**
 * Every HTTP request gets an HTTP answer, even one the parser refuses: an
 * unknown method is 405 with Allow, a URL over MAX_URL_BYTES 414, headers over
 * MAX_HEADER_BYTES 431 (instead of a dropped connection). The server parses
 * up to PARSER_MAX_HEADER_BYTES so these limits are checked here, with a
 * clear JSON body; beyond that the parser's overflow is answered 431 too.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** Longest request target (path + query) accepted. */
const MAX_URL_BYTES = 8 * 1024;
/** Most header bytes (names + values) accepted. */
const MAX_HEADER_BYTES = 16 * 1024;
/** What node:http is allowed to parse (request line + headers) before it gives up. */
export const PARSER_MAX_HEADER_BYTES = 64 * 1024;
/** Methods the API serves; anything else is 405. */
const ALLOWED_METHODS = 'GET, POST, HEAD, OPTIONS';

/** A limit response: status, JSON body and extra headers. */
export interface LimitAnswer {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

/** What the limits read of a request: its target and its headers as sent (name, value, name, value, ...). */
type LimitedRequest = Pick<IncomingMessage, 'url' | 'rawHeaders'>;

/** The answer for a parsed request over a limit, or undefined when it is within them. Exported for the simulation's HTTP path. */
export function checkRequestLimits(req: LimitedRequest): LimitAnswer | undefined {
  const url = req.url ?? '/';
  if (Buffer.byteLength(url) > MAX_URL_BYTES) {
    return { status: 414, code: 'uri_too_long', message: `request URL is ${Buffer.byteLength(url)} bytes; at most ${MAX_URL_BYTES} are accepted` };
  }
  let bytes = 0;
  for (let i = 0; i < req.rawHeaders.length; i++) bytes += Buffer.byteLength(req.rawHeaders[i] ?? '');
  if (bytes > MAX_HEADER_BYTES) {
    return { status: 431, code: 'headers_too_large', message: `request headers are ${bytes} bytes; at most ${MAX_HEADER_BYTES} are accepted` };
  }
  return undefined;
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 405: 'Method Not Allowed', 414: 'URI Too Long', 431: 'Request Header Fields Too Large' };

/** What to answer a request the parser refused (by its error code). */
export function parserErrorAnswer(code: string | undefined): LimitAnswer {
  if (code === 'HPE_INVALID_METHOD') {
    return { status: 405, code: 'method_not_allowed', message: `unknown HTTP method; allowed: ${ALLOWED_METHODS}`, headers: { allow: ALLOWED_METHODS } };
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, code: 'headers_too_large', message: `request line and headers exceed ${PARSER_MAX_HEADER_BYTES} bytes` };
  }
  return { status: 400, code: 'malformed', message: `malformed HTTP request (${code ?? 'parse error'})` };
}

/** A limit answer's JSON body (the API's error shape). Exported for the simulation's HTTP path. */
export function limitBody(a: LimitAnswer): string {
  return JSON.stringify({ error: { code: a.code, message: a.message, path: '' } });
}

/** Writes a raw HTTP/1.1 answer on a socket the parser gave up on, then closes it. */
export function answerRaw(socket: Duplex, a: LimitAnswer): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = limitBody(a);
  const extra = Object.entries(a.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${a.status} ${REASONS[a.status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`,
  );
}
