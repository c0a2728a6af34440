/**
 * The client commands' HTTP exchange, one seam for api-client.ts (request,
 * whole answer) and sse.ts (a streaming GET): node:http/https by default.
 * A CliIo may carry another (harness/scenario/client-cli.ts answers from
 * the simulated coordinator's handler on virtual time), so the real
 * commands can run where no socket exists; the commands' behaviour is the
 * same either way, since everything above the exchange is shared.
 */
import { type ClientRequest, type IncomingMessage, type RequestOptions, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** One request as the CLI makes it. */
export interface CliHttpRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Give up after this long without an answer (ms; socket idle time for node:http). */
  timeoutMs?: number;
  /** PEM CA to trust for https:// instead of the system roots. */
  ca?: string;
  /** Aborts the request (a stream: ends it). */
  signal?: AbortSignal;
}

/** A whole answer. */
export interface CliHttpAnswer {
  status: number;
  body: string;
}

/** What a streaming GET hands its reader: the status first (false: do not read the body), then each text chunk. */
export interface CliStreamSink {
  open(status: number): boolean;
  chunk(text: string): void;
}

/** The exchange. Socket-level failures reject with an error carrying a system `code` (ECONNREFUSED, ETIMEDOUT, ...). */
export interface CliHttp {
  /** One request; resolves with the status and the body read to its end. */
  request(req: CliHttpRequest): Promise<CliHttpAnswer>;
  /** A long-lived GET (server-sent events); resolves when the stream ends, the sink declines it, or the signal aborts. */
  stream(req: CliHttpRequest, sink: CliStreamSink): Promise<void>;
}

/**
 * What the exchange asks of node's `http.request` for a URL (a seam: the
 * harness passes one that answers from the simulated coordinator, handing
 * the body over in several chunks, so the reading below runs in simulation).
 */
export type CliSend = (url: URL) => (url: URL, opts: RequestOptions, onAnswer: (res: IncomingMessage) => void) => ClientRequest;

const nodeSend: CliSend = (url) => (url.protocol === 'https:' ? httpsRequest : httpRequest);
const caOf = (r: CliHttpRequest): { ca?: string } => (r.url.protocol === 'https:' && r.ca !== undefined ? { ca: r.ca } : {});

/** The exchange over `send`: node:http and node:https for the binary (nodeHttp), or a stand-in with their signature. */
export const cliHttpOver = (send: CliSend): CliHttp => ({
  request: (r) =>
    new Promise((resolve, reject) => {
      const opts = { method: r.method, headers: r.headers, timeout: r.timeoutMs ?? 30_000, ...caOf(r) };
      const req = send(r.url)(r.url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(r.body);
    }),
  stream: (r, sink) =>
    new Promise((resolve, reject) => {
      const req = send(r.url)(r.url, { method: r.method, headers: r.headers, ...(r.signal === undefined ? {} : { signal: r.signal }), ...caOf(r) }, (res) => {
        if (!sink.open(res.statusCode ?? 0)) {
          res.resume();
          resolve();
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => sink.chunk(chunk));
        res.on('end', () => resolve());
        res.on('error', () => resolve());
      });
      req.on('error', (err) => (r.signal?.aborted === true ? resolve() : reject(err)));
      req.end();
    }),
});

/** node:http and node:https: what the `squall` binary uses. */
export const nodeHttp: CliHttp = cliHttpOver(nodeSend);
