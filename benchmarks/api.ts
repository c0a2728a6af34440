/**
 * `npm run bench:api`: HTTP submission throughput of a coordinator process
 * (`node bin/squall.js coordinator`, SQLite store in a temp dir) measured
 * with autocannon from this process: POST /api/v1/executions with an echo
 * body for --duration seconds at each connection count. No workers by
 * default (submissions only pile up as pending); `--drain` adds 4 workers in
 * a child process that execute them meanwhile. Prints one JSON object.
 *
 *   npm run bench:api -- [--connections 10,50] [--duration 10] [--drain]
 */
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { argFlag, argList, argNumber } from './lib/args.js';
import { childCpuMs, freePort, removeDir, spawnCoordinator, spawnWorkerHost, tempDataDir, type WorkerGroup } from './lib/cluster.js';

/** The part of autocannon's result this benchmark reads. */
interface AutocannonResult {
  requests: { average: number; mean: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
  throughput: { average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats?: Record<string, { count: number }>;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const connectionCounts = argList('connections', [10, 50]);
const duration = argNumber('duration', 10);
const drain = argFlag('drain');

/** One autocannon run at `connections`, with the coordinator's CPU time over it. */
async function measure(request: Record<string, unknown>, connections: number, pid: number | undefined): Promise<Record<string, unknown>> {
  const cpu0 = childCpuMs(pid);
  const r = await autocannon({ ...request, connections, duration });
  const cpu1 = childCpuMs(pid);
  const cpuMs = cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0;
  return {
    connections,
    durationSec: duration,
    requestsPerSec: Math.round(r.requests.average),
    totalRequests: r.requests.total,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: r.latency.average },
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    coordinatorCpuMs: cpuMs,
    coordinatorCpuUsPerRequest: cpuMs === undefined || r.requests.total === 0 ? undefined : Math.round((cpuMs * 1000) / r.requests.total),
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
  };
}

async function main(): Promise<void> {
  const dataDir = tempDataDir('api');
  const port = await freePort();
  const coordinator = await spawnCoordinator({ port, dataDir });
  let workers: WorkerGroup | undefined;
  const runs: Record<string, unknown>[] = [];
  try {
    if (drain) {
      workers = spawnWorkerHost(coordinator.wsUrl, 4, 64);
      await workers.ready;
    }
    const url = `${coordinator.httpUrl}/api/v1/executions`;
    const request = { url, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'echo', params: { value: 1 } }) };
    // Warm-up: JIT, SQLite page cache, keep-alive connections.
    await autocannon({ ...request, connections: 10, duration: 2 });
    for (const connections of connectionCounts) runs.push(await measure(request, connections, coordinator.child.pid));
    const stats = (await (await fetch(`${coordinator.httpUrl}/api/v1/stats`)).json()) as { total?: number; byStatus?: Record<string, number> };
    console.log(
      JSON.stringify(
        {
          benchmark: 'api',
          date: new Date().toISOString(),
          machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg1m: Math.round((loadavg()[0] ?? 0) * 10) / 10, node: process.version },
          setup: `coordinator process (SQLite, group commit) on 127.0.0.1; autocannon in this process; ${drain ? '4 workers (concurrency 64) in a child process draining' : 'no workers (tasks stay pending)'}`,
          request: 'POST /api/v1/executions {"kind":"echo","params":{"value":1}} → 201 after commit',
          runs,
          coordinatorTotals: { executions: stats.total, byStatus: stats.byStatus },
        },
        null,
        2,
      ),
    );
  } finally {
    await workers?.stop();
    await coordinator.stop();
    removeDir(dataDir);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
