/**
 * Loopback helpers for the proxy suites: an echo upstream, a client that
 * collects what it reads and how the connection ended, and a proxy server
 * with one proxy in front of the echo.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { startProxyServer, type ProxyServer } from '../../harness/proxy/server.js';

export interface Echo {
  readonly port: number;
  readonly addr: string;
  close(): Promise<void>;
}

/** A TCP echo server on 127.0.0.1 (ends its side when the client does). */
export async function startEcho(): Promise<Echo> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    addr: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export interface Client {
  readonly socket: Socket;
  /** Every 'data' event, in order. */
  readonly chunks: Buffer[];
  /** Everything read so far. */
  received(): Buffer;
  /** Resolves when at least n bytes were read (rejects if the connection closes first). */
  waitFor(n: number): Promise<Buffer>;
  /** Resolves on 'close' with the error code seen, if any. */
  readonly closed: Promise<{ errorCode: string | undefined }>;
}

/** Connects to 127.0.0.1:port and records what arrives. */
export async function connectClient(port: number): Promise<Client> {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.setNoDelay(true);
  const chunks: Buffer[] = [];
  let errorCode: string | undefined;
  const waiters: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void }[] = [];
  const received = (): Buffer => Buffer.concat(chunks);
  socket.on('data', (d: Buffer) => {
    chunks.push(d);
    const all = received();
    for (const w of [...waiters]) {
      if (all.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(all);
      }
    }
  });
  socket.on('error', (e: NodeJS.ErrnoException) => {
    errorCode = e.code;
  });
  const closed = new Promise<{ errorCode: string | undefined }>((resolve) =>
    socket.on('close', () => {
      for (const w of waiters.splice(0)) w.reject(new Error(`closed after ${received().length} of ${w.n} bytes (${errorCode ?? 'no error'})`));
      resolve({ errorCode });
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    chunks,
    received,
    closed,
    waitFor: (n) =>
      received().length >= n ? Promise.resolve(received()) : new Promise((resolve, reject) => waiters.push({ n, resolve, reject })),
  };
}

/** Resolves with the error code of a connection attempt (e.g. ECONNREFUSED), or 'connected'. */
export function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

/** A proxy server plus an echo upstream, with proxy `name` in front of it. */
export interface Rig {
  readonly server: ProxyServer;
  readonly echo: Echo;
  /** The proxy's listen port. */
  port: number;
  api(path: string, method?: string, body?: unknown): Promise<{ status: number; json: unknown; text: string }>;
  close(): Promise<void>;
}

/** A response body parsed as JSON, or undefined when it is empty or not JSON (the API's plain-text errors). */
export function jsonOrUndefined(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function startRig(opts: { seed?: number; name?: string; extensions?: boolean } = {}): Promise<Rig> {
  const echo = await startEcho();
  const server = await startProxyServer({ port: 0, seed: opts.seed ?? 42, extensions: opts.extensions ?? false });
  const api: Rig['api'] = async (path, method = 'GET', body) => {
    const res = await fetch(server.url + path, { method, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
    const text = await res.text();
    const json = jsonOrUndefined(text);
    return { status: res.status, json, text };
  };
  const created = await api('/proxies', 'POST', { name: opts.name ?? 'echo', listen: '127.0.0.1:0', upstream: echo.addr });
  const listen = (created.json as { listen: string }).listen;
  return {
    server,
    echo,
    port: Number(listen.split(':').pop()),
    api,
    close: async () => {
      await server.close();
      await echo.close();
    },
  };
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
