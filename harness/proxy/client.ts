/**
 * The harness's handle on a fault proxy: toxiproxy-node-client pointed at a
 * real Toxiproxy when TOXIPROXY_URL is set, else at our own server started
 * in-process. Everything goes through the HTTP API either way, so a run
 * behaves the same against both.
 */
import { Toxiproxy, type Proxy as ToxiproxyProxy } from 'toxiproxy-node-client';
import { silentLogger, type Logger } from '../../system/core/index.js';
import { startProxyServer, type ProxyServer } from './server.js';
import type { ToxicJson } from './toxic-spec.js';

/** Where the fault proxy lives. */
export interface FaultProxyOptions {
  /** API URL of an external Toxiproxy; default process.env.TOXIPROXY_URL; unset = start ours. */
  readonly url?: string;
  /** Seed for our server's toxic randomness (ignored by an external Toxiproxy). */
  readonly seed?: number;
  readonly logger?: Logger;
  /** Our server only: accept squall's own toxic types (corrupt). */
  readonly extensions?: boolean;
}

/** A toxic to add; name, stream and toxicity default as in Toxiproxy. */
export interface ToxicInput {
  readonly type: string;
  readonly name?: string;
  readonly stream?: 'upstream' | 'downstream';
  readonly toxicity?: number;
  readonly attributes?: Readonly<Record<string, number>>;
}

/** A connected fault proxy: the node client plus the few calls the harness makes. */
export interface FaultProxy {
  /** Base URL of the API. */
  readonly url: string;
  /** True when talking to a real Toxiproxy (TOXIPROXY_URL). */
  readonly external: boolean;
  /** The underlying toxiproxy-node-client. */
  readonly client: Toxiproxy;
  /** Creates a proxy; listen defaults to 127.0.0.1:0. Returns the proxy with its real listen address. */
  createProxy(name: string, upstream: string, listen?: string): Promise<ToxiproxyProxy>;
  addToxic(proxy: string, toxic: ToxicInput): Promise<ToxicJson>;
  updateToxic(proxy: string, toxic: string, change: { attributes?: Record<string, number>; toxicity?: number }): Promise<ToxicJson>;
  removeToxic(proxy: string, toxic: string): Promise<void>;
  /** Enables (listens again on the same address) or disables (drops every connection) a proxy. */
  setEnabled(proxy: string, enabled: boolean): Promise<void>;
  /** Re-enables every proxy and removes every toxic. */
  reset(): Promise<void>;
  /** Deletes the proxies this handle created; stops our server if we started it. */
  close(): Promise<void>;
}

async function api<T>(url: string, method: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text.trim()}`);
  return (text.length > 0 ? JSON.parse(text) : undefined) as T;
}

/** Connects to TOXIPROXY_URL (or opts.url), or starts our server on a free loopback port. */
export async function connectFaultProxy(opts: FaultProxyOptions = {}): Promise<FaultProxy> {
  const externalUrl = opts.url ?? process.env['TOXIPROXY_URL'];
  let server: ProxyServer | undefined;
  let url: string;
  if (externalUrl !== undefined && externalUrl !== '') {
    url = externalUrl.replace(/\/+$/, '');
  } else {
    server = await startProxyServer({ host: '127.0.0.1', port: 0, ...(opts.seed === undefined ? {} : { seed: opts.seed }), logger: opts.logger ?? silentLogger, extensions: opts.extensions === true });
    url = server.url;
  }
  const client = new Toxiproxy(url);
  const created = new Set<string>();
  const proxyPath = (p: string): string => `${url}/proxies/${encodeURIComponent(p)}`;
  return {
    url,
    external: server === undefined,
    client,
    async createProxy(name, upstream, listen = '127.0.0.1:0') {
      const proxy = await client.createProxy({ name, upstream, listen });
      created.add(name);
      return proxy;
    },
    addToxic: (proxy, toxic) => api<ToxicJson>(`${proxyPath(proxy)}/toxics`, 'POST', toxic),
    updateToxic: (proxy, toxic, change) => api<ToxicJson>(`${proxyPath(proxy)}/toxics/${encodeURIComponent(toxic)}`, 'POST', change),
    removeToxic: (proxy, toxic) => api<void>(`${proxyPath(proxy)}/toxics/${encodeURIComponent(toxic)}`, 'DELETE'),
    setEnabled: (proxy, enabled) => api<void>(proxyPath(proxy), 'POST', { enabled }),
    reset: () => client.reset(),
    async close() {
      for (const name of created) await api<void>(proxyPath(name), 'DELETE').catch(() => undefined);
      created.clear();
      await server?.close();
    },
  };
}
