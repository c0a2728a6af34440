/**
 * The answer side of the simulation's HTTP path: what a client reads of an
 * answer the real server wrote. Every answer that is not a stream goes
 * through the real server's writeAnswer (system/transport/ws-server.ts) onto
 * a stand-in ServerResponse that keeps the head and the body's bytes, and
 * the client reads them as node's and undici's clients do:
 *
 * - the body is the first content-length bytes, decoded as UTF-8 (a
 *   content-length short of the body cuts it, inside a character too);
 * - bytes past it stay on the connection (unless the answer closes it,
 *   `connection: close`): on a kept-alive connection (the same peer address
 *   and port, client-shapes.ts) they come before the next answer's status
 *   line, so the client's parser refuses that answer
 *   (`HTTPParserError: Response does not match the HTTP/1.1 protocol`) and
 *   drops the connection;
 * - a content-length past the body leaves the client waiting for bytes that
 *   never come, until the server closes the connection: the request fails
 *   (`other side closed`).
 *
 * Blind set 18 #07 declared the body's UTF-16 length: non-ASCII answers
 * arrived cut and the rest corrupted the next answer on the connection.
 */
import type { HttpResponse } from '../../system/core/index.js';
import { writeAnswer, type AnswerTarget } from '../../system/transport/index.js';
import type { WirePeer } from './http-wire.js';

/** A ServerResponse stand-in that keeps what writeAnswer wrote. */
class CapturedAnswer implements AnswerTarget {
  writableEnded = false;
  destroyed = false;
  status = 0;
  headers: Record<string, string> = {};
  body: Buffer = Buffer.alloc(0);

  on(): this {
    return this;
  }

  writeHead(status: number, headers: Record<string, string>): this {
    this.status = status;
    this.headers = headers;
    return this;
  }

  flushHeaders(): void {}

  write(): boolean {
    return false;
  }

  end(body?: Buffer): this {
    this.writableEnded = true;
    if (body !== undefined) this.body = body;
    return this;
  }
}

/** The value of header `name` (any spelling), if the answer has it. */
function header(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  return Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
}

/** What a real client throws when an answer's bytes do not make an answer (its `code` as undici or node's parser give it). */
export class HttpWireError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpWireError';
  }
}

/** Bytes left on each kept-alive client connection (by peer address and port) of one coordinator incarnation. */
const leftovers = new WeakMap<object, Map<string, Buffer>>();
/**
 * The answers whose framing was wrong, as clients met them, by coordinator
 * process (every incarnation's together; noted at the run's end: promise 29).
 */
const faults = new WeakMap<object, string[]>();

/**
 * The process a coordinator incarnation belongs to: the simulation's wired
 * incarnation carries it as `wireLine` (harness/sim/processes.ts), so the
 * faults a client met on an incarnation killed since are still noted at the
 * end; any other coordinator object is its own line.
 */
function lineOf(coordinator: object): object {
  const line = (coordinator as { wireLine?: unknown }).wireLine;
  return typeof line === 'object' && line !== null ? line : coordinator;
}

/** The framing faults clients met on the answers of `coordinator` (an incarnation, or its process) so far (see readOffWire). */
export function wireFaults(coordinator: object): readonly string[] {
  return faults.get(lineOf(coordinator)) ?? [];
}

function fault(coordinator: object, message: string): void {
  const line = lineOf(coordinator);
  const list = faults.get(line);
  if (list === undefined) faults.set(line, [message]);
  else if (list.length < 20 && !list.includes(message)) list.push(message);
}

function clientError(coordinator: object, code: string, message: string): HttpWireError {
  fault(coordinator, message);
  return new HttpWireError(code, message);
}

/**
 * `res` as the client on `peer` reads it off the wire of `coordinator` (see
 * the file comment); throws as a real client does when the bytes do not
 * make an answer. A stream (its head alone) and a request without a peer
 * keep their answer as given.
 */
export function readOffWire(coordinator: object, peer: WirePeer | undefined, res: HttpResponse, method = 'GET'): HttpResponse {
  if (res.stream !== undefined || peer === undefined) return res;
  let connections = leftovers.get(coordinator);
  if (connections === undefined) leftovers.set(coordinator, (connections = new Map()));
  const key = `${peer.address}:${peer.port}`;
  const before = connections.get(key);
  connections.delete(key);
  if (before !== undefined && before.length > 0) {
    throw clientError(coordinator, 'HPE_INVALID_CONSTANT', `HTTPParserError: Response does not match the HTTP/1.1 protocol: ${before.length} byte(s) before the ${res.status} answer's status line on connection ${key}, left over from the previous answer on it`);
  }
  const wire = new CapturedAnswer();
  writeAnswer(res, wire);
  // node writes no body to a HEAD request nor with a 204 or 304, whatever the handler gave.
  if (method === 'HEAD' || wire.status === 204 || wire.status === 304) wire.body = Buffer.alloc(0);
  const bodyless = wire.body.length === 0;
  const declared = Number(header(wire.headers, 'content-length') ?? wire.body.length);
  if (!bodyless && declared > wire.body.length) throw clientError(coordinator, 'UND_ERR_SOCKET', `other side closed: a ${wire.status} answer declared content-length ${declared} but its body is ${wire.body.length} byte(s)`);
  const surplus = wire.body.subarray(Math.min(declared, wire.body.length));
  if (surplus.length > 0) fault(coordinator, `a ${wire.status} answer declared content-length ${declared} but its body is ${wire.body.length} UTF-8 byte(s) (${res.body.length} UTF-16 units): the client read it cut to ${JSON.stringify(wire.body.subarray(0, declared).toString('utf8').slice(-40))}`);
  if (surplus.length > 0 && header(wire.headers, 'connection')?.toLowerCase() !== 'close') connections.set(key, surplus);
  // A HEAD answer's content-length is all it says of the body (the length a GET would read): kept for the reader (adversary-methods.ts).
  const headers = Object.fromEntries(Object.entries(wire.headers).filter(([k]) => method === 'HEAD' || k.toLowerCase() !== 'content-length'));
  return { status: wire.status, headers, body: wire.body.subarray(0, declared).toString('utf8') };
}
