/**
 * The fault proxy (Toxiproxy-compatible API) as a child process: see
 * proxy-host.ts. `url` is its API address for connectFaultProxy({url}).
 */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { firstLine, REPO_ROOT, spawnChild, stopChild, tailBuffer } from '../proc/index.js';

/** Our own fault proxy in a child process. */
class ProxyHostProcess {
  private child: ChildProcess | undefined;
  private output = tailBuffer();
  url = '';

  constructor(private readonly seed?: number) {}

  async start(timeoutMs = 20_000): Promise<string> {
    const child = spawnChild(process.execPath, ['--import', 'tsx', resolve(REPO_ROOT, 'harness/live/proxy-host.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, SQUALL_PROXY_SEED: this.seed === undefined ? '' : String(this.seed) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr?.on('data', (c: Buffer) => this.output.push(c));
    child.stdin?.on('error', () => undefined);
    this.url = await firstLine(child, 'proxy host', timeoutMs, () => this.output.text(), (line) => (JSON.parse(line) as { url: string }).url);
    return this.url;
  }

  /** Closes its stdin (it exits); SIGKILL if it does not within 3 s. */
  stop(): Promise<void> {
    return stopChild(this.child, { ask: (c) => c.stdin?.end() });
  }
}

/**
 * A fault proxy for a run: the external Toxiproxy at `url` (default
 * TOXIPROXY_URL) when set, else our proxy in a child process, with squall's
 * extensions (`corrupt`) enabled. stop() also stops that process.
 */
export async function startRunProxy(seed?: number, url = process.env['TOXIPROXY_URL']): Promise<{ url: string; external: boolean; stop(): Promise<void> }> {
  if (url !== undefined && url !== '') return { url: url.replace(/\/+$/, ''), external: true, stop: () => Promise.resolve() };
  const p = new ProxyHostProcess(seed);
  const started = await p.start();
  return { url: started, external: false, stop: () => p.stop() };
}
