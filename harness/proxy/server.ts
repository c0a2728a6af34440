/**
 * Runs the Toxiproxy-compatible API server (`squall proxy --host --port`).
 * A seed makes every toxicity roll, jitter, slice and corruption repeat;
 * without one, rolls come from crypto randomness.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { systemClock, type Clock, silentLogger, type Logger, cryptoRandom, seededRandom } from '../../system/core/index.js';
import { createApiHandler } from './api.js';
import { ProxyCollection } from './collection.js';
import { ProxyMetrics } from './metrics.js';

/** Where the API listens and how toxics draw randomness. */
export interface ProxyServerOptions {
  /** Interface for the API (default 127.0.0.1). */
  readonly host?: string;
  /** API port; 0 picks one (default 8474, Toxiproxy's). */
  readonly port?: number;
  /** Seed for all toxic randomness; omit for crypto randomness. */
  readonly seed?: number;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Accept squall's own toxic types (`corrupt`); off (default) they are "invalid toxic type", as on a real Toxiproxy. */
  readonly extensions?: boolean;
  /** Serve /metrics like `toxiproxy-server -proxy-metrics` / `-runtime-metrics`. */
  readonly proxyMetrics?: boolean;
  readonly runtimeMetrics?: boolean;
}

/** A running server. */
export interface ProxyServer {
  /** Base URL of the API, e.g. http://127.0.0.1:8474 (give it to toxiproxy-node-client). */
  readonly url: string;
  readonly port: number;
  /** The proxies, for in-process callers that want to skip HTTP. */
  readonly collection: ProxyCollection;
  /** Stops the API and every proxy, closing their connections. */
  close(): Promise<void>;
}

/** Starts the API server; resolves once it listens. */
export async function startProxyServer(opts: ProxyServerOptions = {}): Promise<ProxyServer> {
  const host = opts.host ?? '127.0.0.1';
  const logger = (opts.logger ?? silentLogger).child({ component: 'proxy' });
  const random = opts.seed === undefined ? cryptoRandom : seededRandom(opts.seed);
  const metrics = new ProxyMetrics({ proxyMetrics: opts.proxyMetrics === true, runtimeMetrics: opts.runtimeMetrics === true });
  const collection = new ProxyCollection({ clock: opts.clock ?? systemClock, logger, random, extensions: opts.extensions === true, metrics });
  const server: Server = createServer(createApiHandler(collection, logger, { metrics, random: random.fork('request-id') }));
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8474, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = addr !== null && typeof addr === 'object' ? addr.port : (opts.port ?? 8474);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  logger.info({ host, port, seed: opts.seed }, 'Starting Toxiproxy-compatible HTTP server');
  return {
    url: `http://${urlHost}:${port}`,
    port,
    collection,
    close: async () => {
      collection.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
