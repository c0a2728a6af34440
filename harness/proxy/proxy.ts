/**
 * One named proxy: a TCP listener that dials its upstream per client and runs
 * the proxy's toxics on each connection. Mirrors Toxiproxy's Proxy: enabling
 * listens (port 0 picks one, and `listen` then names the real port, so a
 * later re-enable reuses it); disabling closes the listener and every
 * connection; toxic changes reach live connections.
 */
import { lookup } from 'node:dns/promises';
import { createServer, connect, isIP, type Server, type Socket } from 'node:net';
import type { Clock, Logger, Random } from '../../system/core/index.js';
import { apiErrors } from './api-error.js';
import { Connection } from './connection.js';
import type { ProxyMetrics } from './metrics.js';
import { Direction, toxicJson, type Toxic, type ToxicJson } from './toxic-spec.js';

/** The wire shape of a proxy, in Go's field order (`Logger` is the real server's exported zerolog field, always `{}`). */
export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  Logger: Record<string, never>;
  toxics: ToxicJson[];
}

/** Time, logging and randomness for a proxy's connections. */
export interface ProxyDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: Random;
  readonly metrics?: ProxyMetrics;
}

/** Splits "host:port" / "[v6]:port" like Go's net.SplitHostPort (port may be empty = 0). */
export function splitHostPort(addr: string): { host: string; port: number } {
  if (addr === '') return { host: '', port: 0 }; // Go: all interfaces, any port
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d*)$/.exec(addr);
  if (m === null) throw new Error(`address ${addr}: missing port in address`);
  const host = m[1] ?? m[2] ?? '';
  const port = m[3] === '' || m[3] === undefined ? 0 : Number(m[3]);
  if (!Number.isInteger(port) || port > 65535) throw new Error(`address ${m[3] ?? ''}: invalid port`);
  return { host, port };
}

/**
 * Go's net.ResolveTCPAddr(...).String(): the address a listen string names
 * (`localhost:P` → `127.0.0.1:P`), so two spellings of one address compare
 * equal. Rejects like Go when the address is malformed or the host unknown.
 */
async function resolveTcpAddr(addr: string): Promise<string> {
  const { host, port } = splitHostPort(addr);
  if (host === '') return `:${port}`;
  if (isIP(host) !== 0) return formatAddr(host, port);
  if (host === 'localhost') return formatAddr('127.0.0.1', port);
  try {
    return formatAddr((await lookup(host, { family: 4 })).address, port);
  } catch {
    throw new Error(`lookup ${host}: no such host`);
  }
}

function formatAddr(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** One named proxy: listener, connections and toxics. */
export class Proxy {
  readonly name: string;
  listen: string;
  upstream: string;
  enabled = false;
  /** Toxics in creation order; Toxiproxy lists upstream ones first, then downstream. */
  private readonly toxics: Toxic[] = [];
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  private connSeq = 0;

  constructor(
    name: string,
    listen: string,
    upstream: string,
    private readonly deps: ProxyDeps,
  ) {
    this.name = name;
    this.listen = listen;
    this.upstream = upstream;
  }

  toJSON(): ProxyJson {
    return { name: this.name, listen: this.listen, upstream: this.upstream, enabled: this.enabled, Logger: {}, toxics: this.toxicList().map(toxicJson) };
  }

  /** Toxics as Toxiproxy orders them: the upstream chain, then the downstream chain. */
  toxicList(): Toxic[] {
    return [...this.toxics.filter((t) => t.direction === Direction.Upstream), ...this.toxics.filter((t) => t.direction === Direction.Downstream)];
  }

  getToxic(name: string): Toxic | undefined {
    return this.toxics.find((t) => t.name === name);
  }

  /** Number of live proxied connections. */
  connectionCount(): number {
    return this.connections.size;
  }

  /** Starts listening; a no-op when already enabled. Rejects with Go-like text when the address is bad or taken. */
  async start(): Promise<void> {
    if (this.enabled) return;
    let host: string;
    let port: number;
    try {
      ({ host, port } = splitHostPort(this.listen));
    } catch (err) {
      throw new Error(`listen tcp: ${err instanceof Error ? err.message : String(err)}`);
    }
    const bindHost = host === '' ? '::' : host === 'localhost' ? '127.0.0.1' : host;
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        const reason = err.code === 'EADDRINUSE' ? 'bind: address already in use' : err.code === 'EADDRNOTAVAIL' ? 'bind: cannot assign requested address' : err.message;
        reject(new Error(`listen tcp ${this.listen}: ${reason}`));
      };
      server.once('error', onError);
      server.listen({ host: bindHost, port, exclusive: true }, () => {
        server.off('error', onError);
        resolve();
      });
    });
    server.on('error', (err) => this.deps.logger.warn({ proxy: this.name, err: err.message }, 'proxy listener error'));
    const addr = server.address();
    if (addr !== null && typeof addr === 'object') this.listen = formatAddr(addr.address, addr.port);
    this.server = server;
    this.enabled = true;
    this.deps.logger.info({ name: this.name, proxy: this.listen, upstream: this.upstream }, 'Started proxy');
  }

  /** Stops listening and closes every connection; a no-op when disabled. */
  stop(): void {
    if (!this.enabled) return;
    this.enabled = false;
    this.server?.close();
    this.server = undefined;
    for (const c of [...this.connections]) c.close();
    this.deps.logger.info({ name: this.name, proxy: this.listen, upstream: this.upstream }, 'Terminated proxy');
  }

  /**
   * Toxiproxy's Proxy.Differs: the new listen resolved (so `localhost:P` and
   * `127.0.0.1:P` are the same) or the upstream differs. Throws, changing
   * nothing, when the listen address does not resolve.
   */
  async differs(input: { listen: string; upstream: string }): Promise<boolean> {
    return (await resolveTcpAddr(input.listen)) !== this.listen || input.upstream !== this.upstream;
  }

  /**
   * Toxiproxy's Proxy.Update: a bad listen changes nothing (the proxy keeps
   * running); a different address stops it and takes the new one; then
   * `enabled` is applied (so a changed address restarts an enabled proxy).
   */
  async update(input: { listen: string; upstream: string; enabled: boolean }): Promise<void> {
    if (await this.differs(input)) {
      this.stop();
      this.listen = input.listen;
      this.upstream = input.upstream;
    }
    if (input.enabled !== this.enabled) {
      if (input.enabled) await this.start();
      else this.stop();
    }
  }

  private accept(client: Socket): void {
    const id = `${this.name}#${++this.connSeq}`;
    let upstreamAddr: { host: string; port: number };
    try {
      upstreamAddr = splitHostPort(this.upstream);
    } catch {
      client.destroy();
      return;
    }
    const upstream = connect({ host: upstreamAddr.host || 'localhost', port: upstreamAddr.port, allowHalfOpen: true });
    const onFail = (err: Error): void => {
      this.deps.logger.warn({ name: this.name, upstream: this.upstream, err: err.message }, 'Unable to open connection to upstream');
      client.destroy();
    };
    upstream.once('error', onFail);
    upstream.once('connect', () => {
      upstream.off('error', onFail);
      if (!this.enabled || client.destroyed) {
        upstream.destroy();
        client.destroy();
        return;
      }
      const conn = new Connection({
        id,
        client,
        upstream,
        clock: this.deps.clock,
        logger: this.deps.logger,
        random: this.deps.random,
        toxics: this.toxics,
        onClosed: (c) => this.connections.delete(c),
        onLinkDone: (direction, received, sent) => this.deps.metrics?.linkDone({ direction, listener: this.listen, proxy: this.name, upstream: this.upstream }, received, sent),
      });
      this.connections.add(conn);
      client.resume();
    });
    client.on('error', () => upstream.destroy());
  }

  /** Adds a decoded toxic (name already checked unique). */
  addToxic(toxic: Toxic): void {
    this.toxics.push(toxic);
    for (const c of this.connections) c.addToxic(toxic);
  }

  updateToxic(name: string, change: { attributes: Record<string, number>; toxicity: number }): Toxic {
    const t = this.getToxic(name);
    if (t === undefined) throw apiErrors.toxicNotFound();
    t.attributes = change.attributes;
    t.toxicity = change.toxicity;
    for (const c of this.connections) c.updateToxic(t);
    return t;
  }

  removeToxic(name: string): void {
    const i = this.toxics.findIndex((t) => t.name === name);
    const t = this.toxics[i];
    if (t === undefined) throw apiErrors.toxicNotFound();
    this.toxics.splice(i, 1);
    for (const c of [...this.connections]) c.removeToxic(t);
  }

  resetToxics(): void {
    for (const t of this.toxicList()) this.removeToxic(t.name);
  }
}
