/**
 * `npm run bench:peers`: squall against BullMQ on Redis (AOF everysec) on the
 * same work, interleaved A/B/B/A... for --pairs pairs, each side in a fresh
 * child process (benchmarks/lib/peer-side.ts). Per pair: max durable
 * throughput (first submit -> last completion durably recorded), paced
 * submit -> completion p50/p99, CPU per task of every process; then the
 * median of the per-pair ratios, the targets, and a report directory
 * (reports/<run-id>/result.json, kind 'bench-peers') for `squall report compare`.
 *
 *   npm run bench:peers -- [--pairs 3] [--tasks 50000] [--workers 4] [--concurrency 50]
 *                          [--processes N] [--rate 2000] [--paced-sec 10] [--quick] [--out reports]
 *   npm run bench:peers -- --workers 200 --concurrency 4      (large fleet, 4 worker processes)
 *
 * Needs redis-server (Debian: apt-get install redis-server) and the ioredis
 * client BullMQ loads; without either it says how to get it and exits 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { writeReport } from '../harness/report/write.js';
import { argFlag, argNumber, argString } from './lib/args.js';
import { REPO_ROOT } from './lib/cluster.js';
import type { PeerConfig, SideResult } from './lib/peer-types.js';
import { formatPairs, type Pair, peersRunResult } from './lib/peers-report.js';
import { findRedisServer, loadIORedis } from './lib/redis-server.js';

const quick = argFlag('quick');
const workers = argNumber('workers', 4);
const cfg: PeerConfig = {
  tasks: argNumber('tasks', quick ? 10_000 : 50_000),
  warmupTasks: argNumber('warmup-tasks', 3000),
  workers,
  concurrency: argNumber('concurrency', 50),
  processes: argNumber('processes', workers >= 50 ? 4 : 1),
  rate: argNumber('rate', 2000),
  pacedSec: argNumber('paced-sec', quick ? 5 : 10),
  warmupSec: 1,
  batch: argNumber('batch', 1000),
  timeoutMs: argNumber('timeout-ms', 300_000),
};
const pairsWanted = argNumber('pairs', 3);

let current: ChildProcess | undefined;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (current?.pid !== undefined && current.exitCode === null) process.kill(-current.pid, 'SIGKILL');
    process.exit(130);
  });
}

/** Runs one side in a child process; its progress lines pass through on stderr. */
function runSide(system: 'squall' | 'bullmq'): Promise<SideResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'benchmarks/lib/peer-side.ts'), '--system', system, '--config', JSON.stringify(cfg)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group: an interrupted benchmark takes redis-server and the worker hosts with it.
    detached: true,
  });
  current = child;
  let result: SideResult | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      result = (JSON.parse(line) as { side?: SideResult }).side ?? result;
    } catch {
      // not the result line
    }
  });
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (result !== undefined ? resolve(result) : reject(new Error(`${system} side exited with code ${String(code)} and no result`)))),
  );
}

/** Why the peer side cannot run here, with what to do about it; undefined when it can. */
function missingPrerequisite(): string | undefined {
  if (findRedisServer() === undefined) return 'bench:peers needs redis-server (Redis 7): apt-get install redis-server (or set REDIS_SERVER=/path/to/redis-server)';
  if (loadIORedis() === undefined) {
    return `bench:peers needs the ioredis client BullMQ loads (a dev dependency): run npm ci`;
  }
  return undefined;
}

async function main(): Promise<void> {
  const missing = missingPrerequisite();
  if (missing !== undefined) {
    console.log(missing);
    return;
  }
  const startedAt = new Date();
  const loads: number[][] = [];
  const pairs: Pair[] = [];
  for (let i = 1; i <= pairsWanted; i++) {
    const order: Array<'squall' | 'bullmq'> = i % 2 === 1 ? ['squall', 'bullmq'] : ['bullmq', 'squall'];
    process.stderr.write(`pair ${i}/${pairsWanted} (${order.join(' then ')}), load average ${loadavg()[0]?.toFixed(1)}\n`);
    loads.push(loadavg());
    const got: Partial<Record<'squall' | 'bullmq', SideResult>> = {};
    for (const system of order) got[system] = await runSide(system);
    pairs.push({ pair: i, order: order.join('>'), squall: got.squall as SideResult, bullmq: got.bullmq as SideResult });
  }
  const avgLoad = [0, 1, 2].map((k) => loads.reduce((a, l) => a + (l[k] ?? 0), 0) / loads.length);
  console.log(formatPairs(pairs, cfg, avgLoad));
  const result = peersRunResult(pairs, cfg, startedAt, Date.now() - startedAt.getTime());
  const dir = await writeReport({ ...result, machineLoadAverage: avgLoad } as typeof result, { dir: argString('out') ?? 'reports' });
  console.log(`\nreport: ${dir}/result.json (compare: npx squall report compare benchmarks/baselines/peers-w${cfg.workers}c${cfg.concurrency}.json ${dir})`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
