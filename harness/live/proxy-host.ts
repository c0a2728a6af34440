/**
 * The fault proxy in a child process of its own (run by ProxyHostProcess with
 * `node --import tsx`), so proxied traffic never waits on the harness's event
 * loop (which parses every event of hundreds of workers) and the harness never
 * waits on proxied traffic. Prints {"url": ...} once listening; exits when
 * stdin closes (the harness went away) or on SIGTERM. squall's extensions
 * (`corrupt`) are on: the harness's own proxy is where they can run.
 */
import { startProxyServer } from '../proxy/server.js';

const seed = process.env.SQUALL_PROXY_SEED;
const server = await startProxyServer({ host: '127.0.0.1', port: 0, extensions: true, ...(seed === undefined || seed === '' ? {} : { seed: Number(seed) }) });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
const stop = (): void => void server.close().finally(() => process.exit(0));
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
