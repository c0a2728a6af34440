/**
 * What node:http does to a request before the real server's code sees it,
 * on the simulation's HTTP path (http-plumbing.ts), so the simulated client
 * can send what real clients send and the coordinator is given what the real
 * server would give it:
 *
 * - node's parser refuses a method it does not know (HPE_INVALID_METHOD) and
 *   a request whose target, header names and values reach the server's
 *   maxHeaderSize (PARSER_MAX_HEADER_BYTES: HPE_HEADER_OVERFLOW, counted as
 *   node 20 counts them, measured against a real server); such a request is
 *   answered by the real server's parser-error mapping (parserErrorAnswer,
 *   which the real server runs on 'clientError');
 * - header names arrive lower-cased and values without surrounding blanks,
 *   whatever the client's spelling (curl sends `Authorization`);
 * - the peer is a socket: an address and a source port of its own per TCP
 *   connection (a client that opens one connection per request, as curl does,
 *   has a new port at each), handed to the real server's httpRequestOf.
 *
 * A request that names no peer (`peer` absent) keeps its remoteAddress.
 */
import { METHODS } from 'node:http';
import type { HttpRequest, HttpResponse } from '../../system/core/index.js';
import { limitBody, PARSER_MAX_HEADER_BYTES, parserErrorAnswer, type ParsedRequest } from '../../system/transport/index.js';

/** The client end of one simulated TCP connection: its address and source port. */
export interface WirePeer {
  address: string;
  port: number;
}

/** A body a simulated client streams in chunks of `chunkBytes` (the HTTP adversary's oversized upload), never built whole. */
export interface StreamedBody {
  chunkBytes: number;
  totalBytes: number;
  /** Told, once the body was sent, what the server's reader did with it. */
  observe(read: BodyRead): void;
}

/** What readBody did with a streamed body: bytes the client sent, sent when the answer came, and the most it held at once. */
export interface BodyRead {
  sentBytes: number;
  answeredAfterBytes: number;
  heldPeakBytes: number;
}

/** A request as a simulated client sends it: header names in its own spelling, the connection it came on, and a body it streams instead of `body` (http-plumbing.ts). */
export type WireRequest = HttpRequest & { peer?: WirePeer; streamed?: StreamedBody };

/** The request target as sent: path and query. */
export function targetOf(req: HttpRequest): string {
  const query = req.query.toString();
  return query === '' ? req.path : `${req.path}?${query}`;
}

/** The code node's parser refuses the request with, or undefined when it parses. */
export function parserError(req: HttpRequest): string | undefined {
  if (!METHODS.includes(req.method)) return 'HPE_INVALID_METHOD';
  let bytes = Buffer.byteLength(targetOf(req));
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  return bytes >= PARSER_MAX_HEADER_BYTES ? 'HPE_HEADER_OVERFLOW' : undefined;
}

/** The real server's answer to a request its parser refused (answerRaw's status, headers and body). */
export function parserRefusal(code: string): HttpResponse {
  const a = parserErrorAnswer(code);
  return { status: a.status, headers: { 'content-type': 'application/json', ...a.headers, connection: 'close' }, body: limitBody(a) };
}

/** The request as node hands it to the server: names lower-cased, values trimmed, the connection's socket. */
export function asParsed(req: WireRequest): ParsedRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = v.trim();
  const socket = req.peer === undefined ? { remoteAddress: req.remoteAddress } : { remoteAddress: req.peer.address, remotePort: req.peer.port };
  return { method: req.method, url: targetOf(req), headers, socket };
}
