/**
 * Start-up of the coordinator: the compiled system build (dist/) against the
 * TypeScript sources through tsx, on the host and as Docker images.
 *   npm run bench:start -- [--runs 5] [--old squall:old] [--new squall:new] [--no-docker] [--no-host]
 * Host: `node dist/system/cli/main.js coordinator` vs `node --import tsx
 * harness/cli/main.ts coordinator` (what bin/squall.js ran before dist/),
 * each from spawn to the first 200 on /readyz, plus the process's CPU time
 * at that moment (utime+stime, independent of machine load). Docker: image
 * size (docker image inspect) and `docker start` of a created container to
 * /readyz (host network; `docker create` timed apart, since on the vfs
 * storage driver it copies the whole image). Runs are interleaved A/B;
 * medians from benchmarks/lib/histogram.ts. Builds dist/ first when missing.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSystem } from '../scripts/build-system.js';
import { argNumber, argString } from './lib/args.js';
import { freePort } from './lib/cluster.js';
import { microsHistogram, recordMs, summarizeMs } from './lib/histogram.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLK_TCK = 100;

/** Polls /readyz every 5 ms until 200; the child dying first is an error naming it. */
async function untilReady(url: string, child?: ChildProcess): Promise<void> {
  for (;;) {
    if (child !== undefined && child.exitCode !== null) throw new Error(`process exited ${child.exitCode} before ${url} was ready`);
    const status = await fetch(url).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** CPU milliseconds (user + system) a live process has used, from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

async function hostRun(args: string[]): Promise<{ wallMs: number; cpuMs: number }> {
  const port = await freePort();
  const data = mkdtempSync(join(tmpdir(), 'squall-start-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [...args, 'coordinator', '--host', '127.0.0.1', '--port', String(port), '--data-dir', data, '--api-auth', 'none', '--log-level', 'warn'], { cwd: ROOT, stdio: 'ignore' });
  try {
    await untilReady(`http://127.0.0.1:${port}/readyz`, child);
    return { wallMs: performance.now() - t0, cpuMs: cpuMs(child.pid ?? 0) };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    rmSync(data, { recursive: true, force: true });
  }
}

const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();

async function dockerRun(image: string, i: number): Promise<{ createMs: number; startMs: number }> {
  const port = await freePort();
  const name = `squall-bench-start-${process.pid}-${i}`;
  const t0 = performance.now();
  docker('create', '--name', name, '--network', 'host', image, 'coordinator', '--host', '127.0.0.1', '--port', String(port), '--data-dir', '/data', '--api-auth', 'none', '--log-level', 'warn');
  const t1 = performance.now();
  try {
    docker('start', name);
    await untilReady(`http://127.0.0.1:${port}/readyz`);
    return { createMs: t1 - t0, startMs: performance.now() - t1 };
  } finally {
    docker('rm', '-f', name);
  }
}

/** Runs each variant `runs` times, interleaved, and prints one row per variant with the median of each measure. */
async function table(title: string, variants: Record<string, (i: number) => Promise<Record<string, number>>>, runs: number): Promise<void> {
  const samples: Record<string, Record<string, ReturnType<typeof microsHistogram>>> = {};
  for (let i = 0; i < runs; i++) {
    for (const [name, run] of Object.entries(variants)) {
      const r = await run(i);
      process.stderr.write(`  ${title} run ${i + 1}/${runs} ${name}: ${Object.entries(r).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}\n`);
      for (const [k, v] of Object.entries(r)) recordMs(((samples[name] ??= {})[k] ??= microsHistogram()), v);
    }
  }
  const measures = Object.keys(Object.values(samples)[0] ?? {});
  process.stdout.write(`\n${title} (median of ${runs})\n| variant | ${measures.join(' | ')} |\n|---|${measures.map(() => '---:').join('|')}|\n`);
  for (const [name, m] of Object.entries(samples)) process.stdout.write(`| ${name} | ${measures.map((k) => (m[k] === undefined ? '' : String(Math.round(summarizeMs(m[k]).p50)))).join(' | ')} |\n`);
}

async function main(): Promise<void> {
  const runs = argNumber('runs', 5);
  if (!existsSync(join(ROOT, 'dist/system/cli/main.js'))) buildSystem(join(ROOT, 'dist'));
  process.stdout.write(`load average: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`);
  if (!process.argv.includes('--no-host')) {
    await table('host: spawn -> /readyz 200 (ms)', {
      'tsx (harness/cli/main.ts)': () => hostRun(['--import', 'tsx', 'harness/cli/main.ts']),
      'compiled (dist/system/cli/main.js)': () => hostRun(['dist/system/cli/main.js']),
    }, runs);
  }
  if (process.argv.includes('--no-docker')) return;
  const images = { old: argString('old') ?? 'squall:old', new: argString('new') ?? 'squall:new' };
  process.stdout.write(`\n| image | size (MB) |\n|---|---:|\n`);
  for (const [k, img] of Object.entries(images)) process.stdout.write(`| ${k} (${img}) | ${(Number(docker('image', 'inspect', '-f', '{{.Size}}', img)) / 1e6).toFixed(0)} |\n`);
  await table('docker: create, then start -> /readyz 200 (ms)', Object.fromEntries(Object.entries(images).map(([k, img]) => [`${k} (${img})`, (i: number) => dockerRun(img, i)])), runs);
}

await main();
