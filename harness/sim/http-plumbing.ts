/**
 * The production HTTP plumbing on the simulation's path (system/transport/
 * ws-server.ts): a request a simulated client sends the coordinator has its
 * body handed, as bytes cut in chunks, to the same body reader the real
 * server uses (readBody), and every streaming response (dashboard and
 * `watch` event streams) is served through the real server's startStream
 * onto a stand-in ServerResponse in front of the client's sink, whose
 * disconnect is the socket's 'close'. So a body decoded chunk by chunk, or a
 * stream whose closers never run when its client goes, is seen in
 * simulation (the echo values a client reads back, promise 16; the event
 * hub's streams at the final read, promise 35).
 *
 * The cuts are seeded: one inside a multi-byte UTF-8 character (the offset
 * rotating over all of them from request to request), and two at random byte
 * offsets. Bodies of ASCII only, and requests to paths that never stream,
 * pass straight through (see MULTI_BYTE, STREAM_PATHS), unless they are
 * large (LARGE_BODY): those go through readBody for its size limit (413).
 * A request may instead stream its body (`streamed`: chunks of a given size
 * up to a total, far past the limit, never built whole): it goes through
 * readBody chunk by chunk with the reader's buffer measured, and the client
 * is told how much it had sent when the answer came and the most the reader
 * held (the body-stream probe, adversary-limits.ts, promise 29).
 * And every request first passes the real server's request limits
 * (checkRequestLimits: target 414, header names and values 431) on its
 * target and headers as sent, so an over-limit request is refused as the
 * real server refuses it (the limit probes, adversary-limits.ts). Before
 * that, node's own parser (http-wire.ts): an unknown method and a request
 * past its header cap get the real server's parser-error answers; then the
 * request the coordinator is given is made by the real server's
 * httpRequestOf from what node would hand it (names lower-cased, the
 * connection's address and port), so a client identity taken from the
 * wrong part of the socket is seen (the quota, promise 29).
 */
import { EventEmitter } from 'node:events';
import type { HttpHandler, HttpResponse, HttpStreamSink, Random } from '../../system/core/index.js';
import { checkRequestLimits, httpRequestOf, MAX_HTTP_BODY_BYTES, readBody, startStream, type BodySource, type StreamTarget } from '../../system/transport/index.js';
import { asParsed, parserError, parserRefusal, targetOf, type StreamedBody, type WireRequest } from './http-wire.js';

/**
 * Where the coordinator serves streams (the dashboard's event stream). A
 * request to any other path, without a multi-byte body, is passed through
 * untouched: no extra microtask hop, which would let other work run between
 * reads a client makes at one instant (client-gauges.ts reads /metrics, then
 * the stats).
 */
export const STREAM_PATHS: ReadonlySet<string> = new Set(['/ui/events']);

/**
 * A body with a character outside printable ASCII (tab and line ends aside):
 * only such a body is handed to
 * readBody in chunks. An ASCII body decodes the same however it is cut, and
 * passing it through keeps every other scenario's interleaving as it was
 * (the hop through readBody's promise moved a submission between two reads
 * admission-leak makes at one instant).
 */
const MULTI_BYTE = /[^\t\n\r\u0020-\u007e]/;

/** A body this long (UTF-16 units) or longer is read through readBody, which refuses one over MAX_HTTP_BODY_BYTES (413). */
const LARGE_BODY = 64 * 1024;

/** The refusal the real server gives a request over its target or header limits (http-limits.ts), if any. */
function overLimits(req: Parameters<HttpHandler>[0]): HttpResponse | undefined {
  const rawHeaders = Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : [k, v]));
  const over = checkRequestLimits({ url: targetOf(req), rawHeaders });
  if (over === undefined) return undefined;
  return { status: over.status, headers: { 'content-type': 'application/json', connection: 'close' }, body: JSON.stringify({ error: { code: over.code, message: over.message, path: '' } }) };
}

/** Byte offsets where `bytes` is cut: inside a multi-byte character when there is one (rotating by `n`), plus two seeded ones. */
function cuts(bytes: Buffer, random: Random, n: number): number[] {
  const inside: number[] = [];
  for (let i = 1; i < bytes.length; i++) if (((bytes[i] ?? 0) & 0xc0) === 0x80) inside.push(i);
  const at = new Set<number>([random.int(1, Math.max(1, bytes.length - 1)), random.int(1, Math.max(1, bytes.length - 1))]);
  if (inside.length > 0) at.add(inside[n % inside.length] ?? 1);
  return [...at].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b);
}

const heldBytes = (chunks: Buffer[]): number => chunks.reduce((n, c) => n + c.length, 0);

/**
 * A streamed body through the real reader, chunk by chunk, with the reader's
 * own buffer handed in (readBody's `chunks`) so what it holds is measured
 * after every chunk, and the client noting how much it had sent when the
 * answer came (a few microtask turns after each chunk, as a socket's reads
 * are apart). The client sends the whole body: a server that reads past the
 * limit must drop what it reads.
 */
async function viaStreamedReader(s: StreamedBody): Promise<string | 'too_large'> {
  const source = new EventEmitter();
  const held: Buffer[] = [];
  let answered = false;
  const read = readBody(source as BodySource, MAX_HTTP_BODY_BYTES, held);
  read.then(() => (answered = true), () => (answered = true));
  const chunk = Buffer.alloc(s.chunkBytes, 0x78);
  let sent = 0;
  let peak = 0;
  let answeredAfter: number | undefined;
  while (sent < s.totalBytes) {
    const piece = chunk.subarray(0, Math.min(chunk.length, s.totalBytes - sent));
    source.emit('data', piece);
    sent += piece.length;
    peak = Math.max(peak, heldBytes(held));
    for (let i = 0; i < 3; i++) await Promise.resolve();
    if (answered && answeredAfter === undefined) answeredAfter = sent;
  }
  source.emit('end');
  const body = await read;
  s.observe({ sentBytes: sent, answeredAfterBytes: answeredAfter ?? sent, heldPeakBytes: peak });
  return body;
}

/** The body as the real server reads it: its bytes emitted in chunks to readBody. */
async function viaBodyReader(body: string, random: Random, n: number): Promise<string | 'too_large'> {
  const bytes = Buffer.from(body, 'utf8');
  const source = new EventEmitter();
  const read = readBody(source as BodySource, MAX_HTTP_BODY_BYTES);
  let from = 0;
  for (const c of [...cuts(bytes, random, n), bytes.length]) {
    source.emit('data', bytes.subarray(from, c));
    from = c;
  }
  source.emit('end');
  return read;
}

/** A ServerResponse stand-in in front of a client's sink: writes reach it, its disconnect is 'close'. */
class SinkResponse extends EventEmitter implements StreamTarget {
  writableEnded = false;
  destroyed = false;

  constructor(private readonly client: HttpStreamSink) {
    super();
    client.onClose(() => this.gone());
  }

  writeHead(): this {
    return this;
  }

  flushHeaders(): void {}

  write(chunk: string): boolean {
    return this.client.write(chunk);
  }

  end(): this {
    if (this.writableEnded) return this;
    this.writableEnded = true;
    this.client.end();
    this.gone();
    return this;
  }

  private gone(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
}

/** Wraps the coordinator's handler so requests and streams pass through the real server's plumbing. */
export function viaServerPlumbing(handle: HttpHandler, random: Random): HttpHandler {
  let n = 0;
  return (wire: WireRequest) => {
    const refused = parserError(wire);
    if (refused !== undefined) return Promise.resolve(parserRefusal(refused));
    const over = overLimits(wire);
    if (over !== undefined) return Promise.resolve(over);
    const req = httpRequestOf(asParsed(wire), wire.body);
    if (wire.streamed !== undefined) return plumbed(req, wire.streamed);
    return STREAM_PATHS.has(req.path) || MULTI_BYTE.test(req.body) || req.body.length >= LARGE_BODY ? plumbed(req) : handle(req);
  };
  async function plumbed(req: Parameters<HttpHandler>[0], streamed?: StreamedBody): ReturnType<HttpHandler> {
    const body = streamed !== undefined ? await viaStreamedReader(streamed) : MULTI_BYTE.test(req.body) || req.body.length >= LARGE_BODY ? await viaBodyReader(req.body, random, n++) : req.body;
    if (body === 'too_large') return { status: 413, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: 'too_large', message: `request body exceeds ${MAX_HTTP_BODY_BYTES} bytes`, path: '' } }) };
    const res = await handle({ ...req, body });
    if (res.stream === undefined) return res;
    const served: HttpResponse = res;
    return { ...res, stream: { start: (sink) => startStream(served, new SinkResponse(sink)) } };
  }
}
