/**
 * The two Toxiproxy APIs the conformance suite runs the same cases against:
 * the real toxiproxy-server (2.12.0, from TOXIPROXY_BIN; absent → those runs
 * are skipped and say so) and squall's embedded proxy (harness/proxy), both
 * with /metrics on, each in front of its own TCP echo upstream on loopback.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort, spawnChild, stopChild } from '../../harness/proc/index.js';
import { startProxyServer } from '../../harness/proxy/server.js';
import { type Echo, jsonOrUndefined, startEcho } from '../proxy/helpers.js';

/** A running Toxiproxy API and its echo upstream. */
export interface ProxyTarget {
  readonly name: 'real' | 'embedded';
  readonly url: string;
  readonly echo: Echo;
  /** fetch against the API: no redirects followed, status + text + headers back. */
  api(path: string, init?: { method?: string; body?: string | object; headers?: Record<string, string> }): Promise<ApiAnswer>;
  close(): Promise<void>;
}

/** One HTTP answer as the cases compare it. */
export interface ApiAnswer {
  status: number;
  text: string;
  json: unknown;
  headers: Headers;
}

/** TOXIPROXY_BIN when it names an existing file; else why the real runs are skipped. */
export function realServerBinary(): { bin: string } | { skip: string } {
  const bin = process.env['TOXIPROXY_BIN'];
  if (bin === undefined || bin === '') return { skip: 'TOXIPROXY_BIN is not set: skipping the real-Toxiproxy conformance runs (set it to ../shared/tools/toxiproxy-2.12.0/toxiproxy-server)' };
  if (!existsSync(bin)) return { skip: `TOXIPROXY_BIN=${bin} does not exist: skipping the real-Toxiproxy conformance runs` };
  return { bin };
}

function apiOf(url: string): ProxyTarget['api'] {
  return async (path, init = {}) => {
    const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    const res = await fetch(url + path, { method: init.method ?? 'GET', redirect: 'manual', headers: { 'User-Agent': 'squall-conformance', ...init.headers }, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    const json = jsonOrUndefined(text);
    return { status: res.status, text, json, headers: res.headers };
  };
}

async function waitUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`toxiproxy-server exited with ${child.exitCode}: ${log()}`);
    try {
      if ((await fetch(`${url}/version`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`toxiproxy-server did not answer on ${url}: ${log()}`);
}

/** Starts the real toxiproxy-server (`-host 127.0.0.1`, a free port, both metrics flags). */
export async function startReal(bin: string): Promise<ProxyTarget> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let out = '';
  const child = spawnChild(bin, ['-host', '127.0.0.1', '-port', String(port), '-proxy-metrics', '-runtime-metrics'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  await waitUp(url, child, () => out);
  const echo = await startEcho();
  return {
    name: 'real',
    url,
    echo,
    api: apiOf(url),
    close: async () => {
      await stopChild(child);
      await echo.close();
    },
  };
}

/** Starts squall's embedded proxy the way `squall proxy --proxy-metrics --runtime-metrics` does (no extensions). */
export async function startEmbedded(): Promise<ProxyTarget> {
  const server = await startProxyServer({ host: '127.0.0.1', port: 0, seed: 11, proxyMetrics: true, runtimeMetrics: true });
  const echo = await startEcho();
  return {
    name: 'embedded',
    url: server.url,
    echo,
    api: apiOf(server.url),
    close: async () => {
      await server.close();
      await echo.close();
    },
  };
}
