/**
 * The server half of the production Transport: one node:http server per
 * listen() serving WebSocket upgrades on wsPath (ws in noServer mode, with a
 * hard maxPayload and optional permessage-deflate) and plain HTTP requests
 * everywhere else (handed to onHttp with the body read under a size limit).
 * TCP_NODELAY is set on every socket by `ws` itself (WebSocket#setSocket).
 * With `tls` (PEM cert + key) the server is node:https: https:// and wss://.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { HttpHandler, HttpRequest, HttpResponse, Listener, ListenOptions } from '../core/transport.js';
import { helloOfHeaders } from '../protocol/hello.js';
import { answerRaw, checkRequestLimits, PARSER_MAX_HEADER_BYTES, parserErrorAnswer } from './http-limits.js';
import { WsConnection, newConnectionId } from './ws-connection.js';

/** Largest HTTP request body accepted (413 above it). */
export const MAX_HTTP_BODY_BYTES = 1024 * 1024;

function jsonResponse(status: number, code: string, message: string): HttpResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code, message, path: '' } }) };
}

/** What readBody reads: an IncomingMessage, or (simulation) a request handed over in chunks. */
export interface BodySource {
  on(event: 'data', fn: (chunk: Buffer) => void): unknown;
  on(event: 'end', fn: () => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
}

/**
 * The request body as one string, decoded once all its bytes are in. Past
 * `limit` bytes it is 'too_large' at once, at the chunk that crossed it (the
 * 413 goes out while the client still sends), and nothing more is kept: the
 * rest of the body is read and dropped, so one request never holds more than
 * `limit` bytes, however large it is. `chunks` is where the body's bytes are
 * kept until its end (the simulation passes its own, to see how much was
 * held). Exported for the simulation's HTTP path.
 */
export function readBody(req: BodySource, limit: number, chunks: Buffer[] = []): Promise<string | 'too_large'> {
  return new Promise((resolve, reject) => {
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? 'too_large' : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    // The answer to a body past the limit is due when it passes it, not at its end (which may be gigabytes later).
    req.on('data', () => {
      if (over) resolve('too_large');
    });
  });
}

/** What the handler's request is made of besides its body: node's IncomingMessage, or (simulation) a stand-in of one. */
export type ParsedRequest = Pick<IncomingMessage, 'method' | 'url' | 'headers'> & { readonly socket: { readonly remoteAddress?: string | undefined; readonly remotePort?: number | undefined } };

/**
 * The request the handler is given: path and query from the target, repeated
 * headers joined, and the peer's address without its port (a client's
 * identity for the quota: each connection has a port of its own).
 * Exported for the simulation's HTTP path.
 */
export function httpRequestOf(req: ParsedRequest, body: string): HttpRequest {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const remoteAddress = req.socket.remoteAddress;
  return { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body, ...(remoteAddress === undefined ? {} : { remoteAddress }) };
}

async function serveHttp(onHttp: HttpHandler | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let response: HttpResponse;
  const over = checkRequestLimits(req);
  try {
    if (over !== undefined) throw Object.assign(new Error(over.message), { answer: over });
    const body = await readBody(req, MAX_HTTP_BODY_BYTES);
    if (body === 'too_large') {
      response = jsonResponse(413, 'too_large', `request body exceeds ${MAX_HTTP_BODY_BYTES} bytes`);
    } else {
      const request = httpRequestOf(req, body);
      response = onHttp === undefined ? jsonResponse(404, 'not_found', `no HTTP handler on this port for ${request.path}`) : await onHttp(request);
    }
  } catch (err) {
    response =
      over !== undefined
        ? { ...jsonResponse(over.status, over.code, over.message), headers: { 'content-type': 'application/json', connection: 'close' } }
        : jsonResponse(500, 'internal', `internal error: ${(err as Error).message}`);
  }
  writeAnswer(response, res);
}

/** What writeAnswer writes to: a ServerResponse, or (simulation) a stand-in that hands its bytes to a simulated client. */
export interface AnswerTarget extends StreamTarget {
  end(body?: Buffer): unknown;
}

/**
 * An answer onto the response: a stream through startStream, else the head
 * with the body's content-length in UTF-8 bytes (what a client reads, and
 * where a kept-alive connection's next answer starts), then the body.
 * Exported for the simulation's HTTP path, whose clients read these bytes.
 */
export function writeAnswer(response: HttpResponse, res: AnswerTarget): void {
  if (res.writableEnded || res.destroyed) return;
  if (response.stream !== undefined) return startStream(response, res);
  const body = Buffer.from(response.body, 'utf8');
  res.writeHead(response.status, { 'content-length': String(body.length), ...response.headers });
  res.end(body);
}

/** What startStream writes to: a ServerResponse, or (simulation) a client's stream sink behind one. */
export interface StreamTarget {
  readonly writableEnded: boolean;
  readonly destroyed: boolean;
  on(event: 'close', fn: () => void): unknown;
  writeHead(status: number, headers: Record<string, string>): unknown;
  flushHeaders(): void;
  write(chunk: string): unknown;
  end(): unknown;
}

/**
 * A streaming response (server-sent events): headers now, chunks as the
 * producer writes them; the producer's closers run when the client goes.
 * Exported for the simulation's HTTP path.
 */
export function startStream(response: HttpResponse, res: StreamTarget): void {
  const closers: (() => void)[] = [];
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    for (const fn of closers.splice(0)) fn();
  };
  res.on('close', close);
  res.writeHead(response.status, { 'cache-control': 'no-store', ...response.headers });
  res.flushHeaders();
  response.stream?.start({
    write: (chunk) => !closed && !res.destroyed && (res.write(chunk), true),
    end: () => {
      if (!res.writableEnded) res.end();
      close();
    },
    onClose: (fn) => (closed ? fn() : void closers.push(fn)),
  });
}

/** Upgrades requests on wsPath to WebSocket connections (404 elsewhere) and hands each to onConnection. */
function upgradeHandler(wss: WebSocketServer, wsPath: string, onConnection: ListenOptions['onConnection']) {
  // Created here, not in the upgrade handler's scope, whose closure would keep the request
  // (headers, upgrade head) alive for the connection's life. The server's own client set
  // (wss.clients) tracks open sockets for closeAll: no second set, no extra close listener.
  const adopt = (ws: WebSocket, socket: Duplex, remoteAddress: string, url: string, hello: string | undefined): void => {
    onConnection(new WsConnection(ws, newConnectionId('c'), remoteAddress, socket), { remoteAddress, url, ...(hello === undefined ? {} : { hello }) });
  };
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== wsPath) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    // Joined, not concatenated: one flat string kept for the connection's life, not a rope of three.
    const remoteAddress = [req.socket.remoteAddress ?? '?', req.socket.remotePort ?? '?'].join(':');
    const url = req.url ?? wsPath;
    const hello = helloOfHeaders(req.headers);
    // The 101 answer and what onConnection sends at once (the welcome) leave in one write, not two:
    // ws writes the 101 and calls back synchronously; the socket is uncorked before any I/O callback.
    socket.cork();
    process.nextTick(() => socket.uncork());
    wss.handleUpgrade(req, socket, head, (ws) => adopt(ws, socket, remoteAddress, url, hello));
  };
}

/** Starts listening; resolves once the port is bound. */
export function listenWs(opts: ListenOptions): Promise<Listener> {
  const wsPath = opts.wsPath ?? '/ws';
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: true,
    maxPayload: opts.maxPayloadBytes,
    perMessageDeflate: opts.perMessageDeflate === false ? false : { threshold: opts.perMessageDeflate.thresholdBytes },
  });
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    void serveHttp(opts.onHttp, req, res);
  };
  // With TLS the same port speaks https:// and wss:// only; a plain-text client fails its handshake.
  const server: Server = opts.tls === undefined
      ? createHttpServer({ maxHeaderSize: PARSER_MAX_HEADER_BYTES }, onRequest)
      : createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key, maxHeaderSize: PARSER_MAX_HEADER_BYTES }, onRequest);
  server.on('upgrade', upgradeHandler(wss, wsPath, opts.onConnection));
  // A request the parser refuses still gets an answer (405/431/400); a reset mid-handshake must not crash the process.
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => answerRaw(socket, parserErrorAnswer(err.code)));

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      const addr = server.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : opts.port;
      const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      let closing: Promise<void> | undefined;
      resolve({
        host: opts.host,
        port,
        url: `${opts.tls === undefined ? 'ws' : 'wss'}://${host}:${port}`,
        close: () => (closing ??= closeAll(server, wss)),
      });
    });
  });
}

async function closeAll(server: Server, wss: WebSocketServer): Promise<void> {
  const closed = [...wss.clients].map(
    (ws) =>
      new Promise<void>((resolve) => {
        if (ws.readyState === ws.CLOSED) return resolve();
        const force = setTimeout(() => ws.terminate(), 1000);
        ws.once('close', () => {
          clearTimeout(force);
          resolve();
        });
        ws.close(1001, 'server shutting down');
      }),
  );
  const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await Promise.all(closed);
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  server.closeAllConnections();
  await serverClosed;
}
