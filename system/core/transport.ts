/**
 * Transport seam: how coordinator and worker exchange frames. Production binds
 * it to `ws` (system/transport/); simulation binds it to the virtual network
 * (harness/sim/). Coordinator and worker logic never see a socket.
 *
 * Frames are text (JSON). A Connection reports to a handler interface; frames
 * that arrive before attach() are buffered and delivered on attach.
 */

/** Receives a connection's events. */
export interface ConnectionHandler {
  onMessage(frame: string): void;
  /** Called exactly once, whoever closed. code 1006 = abnormal (no close frame). */
  onClose(code: number, reason: string): void;
}

export interface Connection {
  /** Unique per connection, for logs and traces. */
  readonly id: string;
  readonly remoteAddress: string;
  /** Bytes queued but not yet on the wire (backpressure signal). */
  readonly bufferedAmount: number;
  /** Queues a frame; returns false (frame dropped) if the connection is not open. */
  send(frame: string): boolean;
  /** Starts a close handshake with an application close code. Idempotent. */
  close(code: number, reason: string): void;
  /** Drops the connection at once, without a close handshake. Idempotent. */
  terminate(): void;
  attach(handler: ConnectionHandler): void;
}

export interface HttpRequest {
  method: string;
  /** Path without the query string, e.g. /api/v1/executions/ex_1. */
  path: string;
  query: URLSearchParams;
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
  /** The peer's address (no port), when the transport knows it: a client identity for quotas. */
  remoteAddress?: string;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
  /**
   * A long-lived response (server-sent events): when set, the transport sends
   * status and headers, ignores `body` and hands the open response to start().
   * Transports without streaming (the simulation) answer `body` instead.
   */
  stream?: HttpStream;
}

/** The open end of a streaming response. */
export interface HttpStreamSink {
  /** Writes a chunk; false once the client has gone. */
  write(chunk: string): boolean;
  /** Ends the response. Idempotent. */
  end(): void;
  /** Runs fn once when the client disconnects or the response ends. */
  onClose(fn: () => void): void;
}

/** Produces a streaming response's chunks. */
export interface HttpStream {
  start(sink: HttpStreamSink): void;
}

export type HttpHandler = (req: HttpRequest) => Promise<HttpResponse>;

export interface ListenOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** WebSocket upgrade path; default /ws. */
  wsPath?: string;
  /** Hard limit the transport enforces (close 1009 above it). */
  maxPayloadBytes: number;
  /** permessage-deflate for frames at least thresholdBytes long; false disables. */
  perMessageDeflate: false | { thresholdBytes: number };
  /** `hello`: the worker's 0-RTT register as its upgrade request carried it (protocol/hello.ts), opaque here. */
  onConnection(conn: Connection, info: { remoteAddress: string; url: string; hello?: string }): void;
  /** Plain HTTP requests on the same port (everything but the upgrade path). */
  onHttp?: HttpHandler;
  /** PEM certificate chain and key: serve TLS (https:// and wss://). */
  tls?: { cert: string; key: string };
}

export interface Listener {
  readonly host: string;
  readonly port: number;
  /** ws://host:port (wss:// with TLS) base URL (without the path). */
  readonly url: string;
  /** Stops accepting, closes every open connection with 1001, resolves when done. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Give up connecting (and reject) after this long. */
  handshakeTimeoutMs: number;
  maxPayloadBytes: number;
  perMessageDeflate: false | { thresholdBytes: number };
  signal?: AbortSignal;
  /** PEM CA certificate(s) to trust for wss:// instead of the system's (a private CA, or the server's own certificate pinned). */
  ca?: string;
  /** The 0-RTT register (protocol/hello.ts), carried in the upgrade request's header and handed to the server's onConnection. */
  hello?: string;
}

export interface Transport {
  listen(opts: ListenOptions): Promise<Listener>;
  /** Resolves with an open connection, or rejects (refused, timed out, aborted). */
  connect(url: string, opts: ConnectOptions): Promise<Connection>;
}
