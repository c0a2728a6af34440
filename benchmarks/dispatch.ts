/**
 * `npm run bench:dispatch`: end-to-end throughput of `echo` tasks through the
 * real system (SQLite store with group commit, ws transport over loopback,
 * coordinator + 4 workers) on this machine. Prints one JSON object.
 *
 * Topologies (all three by default):
 * - split: coordinator (and the submitting client, via the embedding API) in
 *   this process, all 4 workers in ONE child process: one process per core.
 * - single: coordinator, client and 4 workers in this one process.
 * - processes: `squall coordinator` as its own process, the 4 workers in
 *   another, this process as an HTTP client (POST /executions/batch, polling
 *   /api/v1/stats): max throughput only.
 *
 * Measures per topology:
 * - max: N tasks submitted as fast as possible with engine.scheduleTaskBatch
 *   (batches of --batch), timed from the first submit to the last committed
 *   completion → tasksPerSec.
 * - paced: one engine.scheduleTask per task at --rate/s for --paced-sec;
 *   submit call → terminal status committed to SQLite, HDR p50/p99.
 * - store: commits vs operations during the max run (group commit effect).
 *
 * `--target http://127.0.0.1:P` instead drives an already-running coordinator
 * process (workers must be connected to it) with POST /executions/batch and
 * polls /api/v1/stats; used by profile-coordinator.sh.
 *
 *   npm run bench:dispatch -- [--tasks 30000] [--batch 1000] [--rate 2000] [--paced-sec 10]
 *                             [--workers 4] [--concurrency 64] [--topology split|single|processes|both|all] [--quick]
 *                             [--store memory]   (diagnostic: what SQLite costs; not the headline figure)
 *                             [--coordinator-node-flags "--max-semi-space-size=32 --trace-gc"]
 *                             [--stall-trace]   (the paced phase's slow tasks and what they waited for: lib/stall-trace.ts)
 *   (node/V8 flags for the coordinator's process, this one: applied by running
 *   the script again under them; the worker process does not get them)
 */
import { cpus, loadavg } from 'node:os';
import { argFlag, argNumber, argString } from './lib/args.js';
import {
  childCpuMs,
  freePort,
  mainThreadCpuMs,
  processCpuMs,
  removeDir,
  spawnCoordinator,
  spawnWorkerHost,
  startEmbedded,
  startWorkersInProcess,
  tempDataDir,
} from './lib/cluster.js';
import { SYSTEM_UNDER_TEST } from './lib/sut.js';
import { type CompletionTracker, maxEmbedded, maxHttp, type MaxRun, pacedEmbedded, type PacedRun } from './lib/load.js';
import { threadCpuMs, threadSplitMs } from './lib/thread-cpu.js';
import { type GcCounts, gcPhases, heapFootprint } from './lib/gc-phases.js';
import { coordinatorNodeFlags, reexecWithNodeFlags } from './lib/node-flags.js';
import { startStallTrace, type StallReport } from './lib/stall-trace.js';

const quick = argFlag('quick');
const config = {
  tasks: argNumber('tasks', quick ? 10_000 : 30_000),
  batch: argNumber('batch', 1000),
  rate: argNumber('rate', 2000),
  pacedSec: argNumber('paced-sec', quick ? 5 : 10),
  warmupTasks: argNumber('warmup-tasks', 3000),
  workers: argNumber('workers', 4),
  concurrency: argNumber('concurrency', 64),
  timeoutMs: argNumber('timeout-ms', 120_000),
  store: argString('store') === 'memory' ? 'memory (diagnostic: no durability)' : 'sqlite (WAL, synchronous=normal, group commit)',
};
const stallTraceOn = argFlag('stall-trace');
const storeKind = argString('store') === 'memory' ? 'memory' : 'sqlite';
const topologyArg = argString('topology') ?? 'all';
if (!['split', 'single', 'processes', 'both', 'all'].includes(topologyArg)) {
  throw new Error(`--topology must be split, single, processes, both (split + single) or all; got ${topologyArg}`);
}

/** Result of the processes topology (no paced run: completion is only seen by polling). */
interface ProcessesResult {
  topology: 'processes';
  description: string;
  max: MaxRun & { httpErrors: number };
  cpuDuringMax: Record<string, number | string>;
}

/** Coordinator process (CLI) + worker process + this process submitting over HTTP. */
async function runProcesses(): Promise<ProcessesResult> {
  const dataDir = tempDataDir('dispatch-proc');
  const coordinator = await spawnCoordinator({ port: await freePort(), dataDir });
  const workers = spawnWorkerHost(coordinator.wsUrl, config.workers, config.concurrency);
  try {
    await workers.ready;
    const opts = { batchSize: config.batch, inflight: 4, pollMs: 20, timeoutMs: config.timeoutMs };
    await maxHttp(coordinator.httpUrl, { ...opts, tasks: config.warmupTasks, tag: 'proc-warm' });
    const c0 = childCpuMs(coordinator.child.pid) ?? 0;
    const w0 = await workers.cpuMs();
    const max = await maxHttp(coordinator.httpUrl, { ...opts, tasks: config.tasks, tag: 'proc-max' });
    const c1 = childCpuMs(coordinator.child.pid) ?? 0;
    const w1 = await workers.cpuMs();
    return {
      topology: 'processes',
      description: `squall coordinator process (SQLite); ${config.workers} workers (concurrency ${config.concurrency}) in one child process; this process submits with POST /api/v1/executions/batch (${config.batch} per request, 4 in flight) and polls GET /api/v1/stats every 20 ms`,
      max,
      cpuDuringMax: {
        coordinatorProcessMs: c1 - c0,
        coordinatorProcessUsPerTask: Math.round(((c1 - c0) * 1000) / config.tasks),
        workerProcessMs: w1 - w0,
        workerProcessUsPerTask: Math.round(((w1 - w0) * 1000) / config.tasks),
        note: 'coordinator CPU read from /proc (10 ms ticks); includes HTTP parsing of the batches',
      },
    };
  } finally {
    await workers.stop().catch(() => {});
    await coordinator.stop();
    removeDir(dataDir);
  }
}

interface TopologyResult {
  topology: 'split' | 'single';
  description: string;
  max: MaxRun;
  paced: PacedRun;
  store: { commits: number; operations: number; opsPerCommit: number };
  cpuDuringMax: Record<string, number | string>;
  gc: Record<string, GcCounts>;
  heap: ReturnType<typeof heapFootprint>;
  stallTrace?: StallReport;
}

function describeTopology(topology: 'split' | 'single'): string {
  return topology === 'split'
    ? `coordinator + embedding-API client in this process; ${config.workers} workers (concurrency ${config.concurrency}) in one child process`
    : `coordinator, embedding-API client and ${config.workers} workers (concurrency ${config.concurrency}) in one process`;
}

/** CPU time of the max run, per process and per task; the main process's main thread apart (without the store's thread, GC and libuv threads). */
function cpuSummary(
  topology: 'split' | 'single',
  cpuMax: number,
  wcpuMax: number,
  mainThreadMax: number | undefined,
  threads: ReturnType<typeof threadSplitMs>,
): Record<string, number | string> {
  const perTask = (ms: number): number => Math.round((ms * 1000) / config.tasks);
  return {
    mainProcessMs: cpuMax,
    mainProcessUsPerTask: perTask(cpuMax),
    ...(mainThreadMax === undefined ? {} : { mainThreadUsPerTask: perTask(mainThreadMax) }),
    // Threads started with the coordinator (the SQLite store's thread) and the ones before it (V8's GC and compiler threads).
    ...(threads === undefined ? {} : { storeThreadUsPerTask: perTask(threads.newThreads), otherThreadsUsPerTask: perTask(threads.otherThreads) }),
    ...(topology === 'split' ? { workerProcessMs: wcpuMax, workerProcessUsPerTask: Math.round((wcpuMax * 1000) / config.tasks) } : {}),
    note: 'CPU time, unaffected by other load on the machine: 1e6 / usPerTask is what one dedicated core would sustain',
  };
}

async function runTopology(topology: 'split' | 'single'): Promise<TopologyResult> {
  const dataDir = tempDataDir('dispatch');
  let tracker: CompletionTracker | undefined;
  const setTracker = (t: CompletionTracker): void => {
    tracker = t;
  };
  const threadsBefore = threadCpuMs();
  const gc = gcPhases();
  const system = await startEmbedded(dataDir, (rec) => tracker?.onCommitted(rec), {}, storeKind);
  const url = system.coordinator.url;
  const workers =
    topology === 'split' ? spawnWorkerHost(url, config.workers, config.concurrency) : startWorkersInProcess(url, config.workers, config.concurrency);
  try {
    await workers.ready;
    const engine = system.coordinator.engine;
    await maxEmbedded(engine, setTracker, { tasks: config.warmupTasks, batchSize: config.batch, timeoutMs: config.timeoutMs, tag: `${topology}-warm` });
    gc.phase('max');
    const s0 = system.store.stats();
    const cpu0 = processCpuMs();
    const thread0 = mainThreadCpuMs();
    const threads0 = threadCpuMs();
    const wcpu0 = await workers.cpuMs();
    const max = await maxEmbedded(engine, setTracker, { tasks: config.tasks, batchSize: config.batch, timeoutMs: config.timeoutMs, tag: `${topology}-max` });
    const s1 = system.store.stats();
    const cpuMax = processCpuMs() - cpu0;
    const thread1 = mainThreadCpuMs();
    const threads = threadSplitMs(threadsBefore, threads0, threadCpuMs());
    const threadMax = thread0 === undefined || thread1 === undefined ? undefined : thread1 - thread0;
    const wcpuMax = (await workers.cpuMs()) - wcpu0;
    gc.phase('paced');
    const trace = stallTraceOn ? startStallTrace() : undefined;
    system.store.opProbe = trace?.storeOp;
    const paced = await pacedEmbedded(engine, setTracker, {
      onLatency: trace?.task,
      rate: config.rate,
      durationSec: config.pacedSec,
      warmupSec: 1,
      timeoutMs: config.timeoutMs,
      tag: `${topology}-paced`,
    });
    gc.phase('close');
    system.store.opProbe = undefined;
    const stallTrace = trace?.stop();
    const commits = s1.commits - s0.commits;
    const operations = s1.operations - s0.operations;
    const store = { commits, operations, opsPerCommit: commits === 0 ? 0 : Math.round((operations / commits) * 10) / 10 };
    const cpuDuringMax = cpuSummary(topology, cpuMax, wcpuMax, threadMax, threads);
    return { topology, description: describeTopology(topology), max, paced, store, cpuDuringMax, gc: gc.result(), heap: heapFootprint(), ...(stallTrace === undefined ? {} : { stallTrace }) };
  } finally {
    gc.stop();
    await workers.stop().catch(() => {});
    await system.close();
    removeDir(dataDir);
  }
}

async function main(): Promise<void> {
  if (await reexecWithNodeFlags(coordinatorNodeFlags())) return;
  const target = argString('target');
  if (target !== undefined) {
    const max = await maxHttp(target, { tasks: config.tasks, batchSize: config.batch, inflight: 4, pollMs: 20, timeoutMs: config.timeoutMs, tag: 'http' });
    console.log(JSON.stringify({ benchmark: 'dispatch', mode: 'http', target, submission: 'POST /api/v1/executions/batch, 4 in flight', completion: 'GET /api/v1/stats byStatus.completed polled every 20 ms', tasksPerSec: max.tasksPerSec, max, config }, null, 2));
    return;
  }
  const embedded: ('split' | 'single')[] =
    topologyArg === 'both' || topologyArg === 'all' ? ['split', 'single'] : topologyArg === 'processes' ? [] : [topologyArg as 'split' | 'single'];
  const results: (TopologyResult | ProcessesResult)[] = [];
  for (const t of embedded) results.push(await runTopology(t));
  if (topologyArg === 'processes' || topologyArg === 'all') results.push(await runProcesses());
  const primary = results[0] as TopologyResult | ProcessesResult;
  const paced = 'paced' in primary ? primary.paced : undefined;
  console.log(
    JSON.stringify(
      {
        benchmark: 'dispatch',
        date: new Date().toISOString(),
        machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg1m: Math.round((loadavg()[0] ?? 0) * 10) / 10, node: process.version },
        coordinatorNodeFlags: process.execArgv.filter((a) => a.startsWith('--') && !a.startsWith('--import') && !a.startsWith('--require')),
        topology: primary.topology,
        system: SYSTEM_UNDER_TEST,
        tasksPerSec: primary.max.tasksPerSec,
        pacedRate: config.rate,
        submitToCompleteMs: paced === undefined ? null : { p50: paced.submitToCompleteMs.p50, p99: paced.submitToCompleteMs.p99 },
        store: 'store' in primary ? primary.store : null,
        target: { tasksPerSec: 20_000, met: primary.max.tasksPerSec >= 20_000 },
        submission: `split/single: embedding API in the coordinator process (scheduleTaskBatch of ${config.batch} for max, one scheduleTask per task for paced); processes: batch HTTP`,
        completion: "an execution counts as completed when its terminal status committed to SQLite (Store.complete resolved)",
        config,
        topologies: Object.fromEntries(results.map((r) => [r.topology, r])),
      },
      null,
      2,
    ),
  );
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
