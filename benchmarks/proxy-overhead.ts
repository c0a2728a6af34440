/**
 * Proxy overhead: p50/p99 round trip of a 64-byte ping-pong over loopback,
 * direct to an echo server vs through our fault proxy with no toxics.
 * Prints JSON. Target (docs/PROXY.md): p50 overhead < 100 µs.
 *
 * Measured twice: proxy in this process, and proxy in a child process (as
 * `squall proxy` runs it), since sharing one event loop hides or adds costs.
 *
 *   npx tsx benchmarks/proxy-overhead.ts [--iterations 20000] [--warmup 2000]
 */
import { connect, createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Histogram } from 'hdr-histogram-js';
import { spawnChild, stopChild } from '../harness/proc/index.js';
import { microsHistogram, recordMs, summarizeMs } from './lib/histogram.js';
import { startProxyServer } from '../harness/proxy/server.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const iterations = arg('iterations', 20_000);
const warmup = arg('warmup', 2_000);
const SIZE = 64;

async function connectTo(port: number): Promise<Socket> {
  const s = connect({ port, host: '127.0.0.1' });
  s.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('error', reject);
  });
  return s;
}

/** Sends 64 bytes, waits for 64 back, n times; records each round trip in ns. */
async function pingPong(socket: Socket, n: number, histogram?: Histogram): Promise<void> {
  const msg = Buffer.alloc(SIZE, 0x61);
  await new Promise<void>((resolve) => {
    let left = n;
    let got = 0;
    let t0 = process.hrtime.bigint();
    const send = (): void => {
      got = 0;
      t0 = process.hrtime.bigint();
      socket.write(msg);
    };
    socket.on('data', (d: Buffer) => {
      got += d.length;
      if (got < SIZE) return;
      if (histogram !== undefined) recordMs(histogram, Number(process.hrtime.bigint() - t0) / 1e6);
      if (--left === 0) {
        socket.removeAllListeners('data');
        resolve();
      } else send();
    });
    send();
  });
}

/** Round-trip figures in µs (HDR, 1 µs resolution: benchmarks/lib/histogram.ts). */
function summary(h: Histogram): { p50_us: number; p99_us: number; max_us: number; mean_us: number } {
  const s = summarizeMs(h);
  const us = (ms: number): number => Math.round(ms * 1000);
  return { p50_us: us(s.p50), p99_us: us(s.p99), max_us: us(s.max), mean_us: us(s.mean) };
}

async function measure(port: number): Promise<ReturnType<typeof summary>> {
  const s = await connectTo(port);
  await pingPong(s, warmup);
  const h = microsHistogram();
  await pingPong(s, iterations, h);
  s.destroy();
  const out = summary(h);
  h.destroy();
  return out;
}

async function createProxy(apiUrl: string, name: string, upstreamPort: number): Promise<number> {
  const res = await fetch(`${apiUrl}/proxies`, {
    method: 'POST',
    body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstreamPort}` }),
  });
  const created = (await res.json()) as { listen: string };
  return Number(created.listen.split(':').pop());
}

/** Child mode: run only the proxy API server and print its URL. */
async function serveProxy(): Promise<void> {
  const srv = await startProxyServer({ host: '127.0.0.1', port: 0, seed: 1 });
  console.log(`READY ${srv.url}`);
  process.on('SIGTERM', () => void srv.close().then(() => process.exit(0)));
}

async function spawnProxy(): Promise<{ url: string; stop(): void }> {
  const child = spawnChild(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve-proxy'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+)/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`proxy child exited with ${code}`)));
  });
  return { url, stop: () => void stopChild(child) };
}

async function main(): Promise<void> {
  const echo = createServer((s) => {
    s.setNoDelay(true);
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const echoPort = (echo.address() as { port: number }).port;

  const direct = await measure(echoPort);

  const inProcess = await startProxyServer({ host: '127.0.0.1', port: 0, seed: 1 });
  const proxiedSame = await measure(await createProxy(inProcess.url, 'bench', echoPort));
  await inProcess.close();

  const child = await spawnProxy();
  let proxiedChild: ReturnType<typeof summary>;
  try {
    proxiedChild = await measure(await createProxy(child.url, 'bench', echoPort));
  } finally {
    child.stop();
  }
  const round = (x: number): number => Math.round(x * 10) / 10;
  console.log(
    JSON.stringify(
      {
        benchmark: 'proxy-overhead',
        payload_bytes: SIZE,
        iterations,
        warmup,
        direct,
        proxied_in_process: proxiedSame,
        proxied_child_process: proxiedChild,
        overhead_p50_us: { in_process: round(proxiedSame.p50_us - direct.p50_us), child_process: round(proxiedChild.p50_us - direct.p50_us) },
        overhead_p99_us: { in_process: round(proxiedSame.p99_us - direct.p99_us), child_process: round(proxiedChild.p99_us - direct.p99_us) },
        target_p50_overhead_us: 100,
      },
      null,
      2,
    ),
  );
  echo.close();
}

if (process.argv.includes('--serve-proxy')) await serveProxy();
else await main();
