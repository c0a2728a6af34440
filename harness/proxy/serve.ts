/**
 * The body of `squall proxy --host --port [--seed]`: runs the server in the
 * foreground until SIGINT/SIGTERM, then closes every proxy and connection.
 */
import type { Logger } from '../../system/core/index.js';
import { startProxyServer } from './server.js';

/** Options of `squall proxy`. */
export interface ServeProxyOptions {
  readonly host: string;
  readonly port: number;
  readonly seed?: number;
  readonly logger?: Logger;
  /** Where to print the "listening" line (default stdout). */
  readonly print?: (line: string) => void;
}

/** Resolves once the server has stopped after a signal. */
export async function serveProxy(opts: ServeProxyOptions): Promise<void> {
  const server = await startProxyServer(opts);
  const print = opts.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  print(`squall proxy: Toxiproxy-compatible API on ${server.url}${opts.seed === undefined ? '' : ` (seed ${opts.seed})`}`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
