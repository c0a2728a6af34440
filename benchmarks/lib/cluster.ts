/**
 * Starting the pieces a benchmark measures: an embedded coordinator (SQLite
 * store in a temp dir, production seams), workers in this process, a worker
 * host child process (N workers in one other process) and a CLI coordinator
 * child process (`node bin/squall.js coordinator`). Loopback only.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Coordinator, CoordinatorConfig } from '../../system/coordinator/index.js';
import type { SqliteStoreOptions } from '../../system/store/index.js';
import type { Worker as WorkerType } from '../../system/worker/worker.js';
import { builtinTaskKinds, createCoordinator, cryptoRandom, nullSink, openStore, realCpu, silentLogger, SYSTEM_CLI, systemClock, Worker, wsTransport } from './sut.js';
import { processCpuMs, spawnChild, stopChild } from '../../harness/proc/index.js';
import { type CommittedListener, TimingStore } from './timing-store.js';

/** The repository root (benchmarks/lib/../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A fresh temp directory for a SQLite store; remove with removeDir. */
export function tempDataDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `squall-bench-${tag}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

// Ports, stopping children and CPU time are harness/proc's (one mechanism for the live harness and the benchmarks).
export { freePort, mainThreadCpuMs, processCpuMs, procCpuMsSync as childCpuMs } from '../../harness/proc/index.js';

/** An embedded coordinator on the production seams over a SQLite store wrapped in a TimingStore. */
export interface Embedded {
  coordinator: Coordinator;
  store: TimingStore;
  close(): Promise<void>;
}

/**
 * Whether the benchmarks' SQLite store runs its connection in a worker
 * thread, as the coordinator CLI does: on unless SQUALL_BENCH_STORE_THREAD=0
 * (to measure the in-process store on the same build).
 */
export const BENCH_STORE_THREAD = process.env.SQUALL_BENCH_STORE_THREAD !== '0';

/**
 * Starts a coordinator in this process: SQLite at dataDir (or the memory
 * store, for diagnosing what SQLite costs; its connection in a worker thread
 * unless SQUALL_BENCH_STORE_THREAD=0), ws on a free loopback port, silent logs.
 */
export async function startEmbedded(
  dataDir: string,
  onCommitted: CommittedListener,
  config: CoordinatorConfig = {},
  storeKind: 'sqlite' | 'memory' = 'sqlite',
  sqliteOptions: SqliteStoreOptions = {},
): Promise<Embedded> {
  const store = new TimingStore(openStore(storeKind === 'memory' ? { kind: 'memory' } : { kind: 'sqlite', dataDir, thread: BENCH_STORE_THREAD, ...sqliteOptions }), onCommitted);
  const coordinator = await createCoordinator(
    { transport: wsTransport(), clock: systemClock, random: cryptoRandom, logger: silentLogger, events: nullSink, store, taskKinds: builtinTaskKinds() },
    { host: '127.0.0.1', port: 0, ...config },
  );
  return {
    coordinator,
    store,
    close: async () => {
      await coordinator.close();
      await store.close();
    },
  };
}

/** Workers in some process: resolves ready once all registered. */
export interface WorkerGroup {
  ready: Promise<void>;
  /** CPU time (ms) so far of the process the workers run in. */
  cpuMs(): Promise<number>;
  /** Stops them; cpuMs is the host process's CPU time when it is a child, else undefined. */
  stop(): Promise<{ cpuMs?: number }>;
}

/** N workers in THIS process (shares the event loop with whatever else runs here). */
export function startWorkersInProcess(url: string, count: number, concurrency: number): WorkerGroup {
  let connected = 0;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  const seen = new Set<string>();
  const workers: WorkerType[] = [];
  for (let i = 0; i < count; i++) {
    const w = new Worker(
      {
        transport: wsTransport(),
        clock: systemClock,
        random: cryptoRandom,
        logger: silentLogger,
        events: {
          emit: (e) => {
            if (e.type === 'connected' && !seen.has(e.workerId)) {
              seen.add(e.workerId);
              if (++connected === count) markReady();
            }
          },
        },
        cpu: realCpu,
        taskKinds: builtinTaskKinds(),
      },
      { id: `inproc-${i}`, coordinatorUrl: url, concurrency, backoff: { strategy: 'full-jitter', initialMs: 20, maxMs: 500 } },
    );
    workers.push(w);
    w.start();
  }
  return {
    ready,
    cpuMs: () => Promise.resolve(processCpuMs()),
    stop: async () => {
      await Promise.all(workers.map((w) => w.stop({ drain: false }).catch(() => {})));
      return {};
    },
  };
}

function tsxNode(script: string, args: string[], extraNodeArgs: string[] = []): ChildProcess {
  return spawnChild(process.execPath, [...extraNodeArgs, '--import', 'tsx', join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** N workers in ONE child process (benchmarks/lib/worker-host.ts). */
export function spawnWorkerHost(url: string, count: number, concurrency: number): WorkerGroup {
  const child = tsxNode('benchmarks/lib/worker-host.ts', ['--url', url, '--workers', String(count), '--concurrency', String(concurrency)]);
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  let last: { cpuMs?: number } = {};
  let cpuWaiter: ((ms: number) => void) | undefined;
  let markReady: () => void = () => {};
  let fail: (e: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    fail = reject;
  });
  child.once('exit', (code) => fail(new Error(`worker host exited (code ${String(code)}) before all workers registered`)));
  lines.on('line', (line) => {
    try {
      const msg = JSON.parse(line) as { ready?: number; cpuMs?: number; cpuNowMs?: number };
      if (msg.ready !== undefined) markReady();
      if (msg.cpuNowMs !== undefined) cpuWaiter?.(msg.cpuNowMs);
      if (msg.cpuMs !== undefined) last = { cpuMs: msg.cpuMs };
    } catch {
      // not ours
    }
  });
  return {
    ready,
    cpuMs: () =>
      new Promise<number>((resolve) => {
        cpuWaiter = resolve;
        child.kill('SIGUSR2');
      }),
    stop: async () => {
      await stopChild(child, { graceMs: 10_000, killWaitMs: 10_000 });
      return last;
    },
  };
}

/** A `squall coordinator` child process (SQLite at dataDir). */
export interface CoordinatorProcess {
  httpUrl: string;
  wsUrl: string;
  child: ChildProcess;
  /** SIGINT (clean shutdown), SIGKILL after timeoutMs. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Spawns `node [nodeArgs] bin/squall.js coordinator ...` and waits until its HTTP API answers. */
export async function spawnCoordinator(opts: { port: number; dataDir: string; nodeArgs?: string[] }): Promise<CoordinatorProcess> {
  // Raw API throughput on loopback: no token checks in the measured path (the API default is token auth).
  const args = ['coordinator', '--host', '127.0.0.1', '--port', String(opts.port), '--data-dir', opts.dataDir, '--log-level', 'warn', '--api-auth', 'none'];
  const child = spawnChild(process.execPath, [...(opts.nodeArgs ?? []), SYSTEM_CLI, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const httpUrl = `http://127.0.0.1:${opts.port}`;
  await waitForHttp(`${httpUrl}/api/v1/stats`, 30_000, () => child.exitCode !== null);
  return {
    httpUrl,
    wsUrl: `ws://127.0.0.1:${opts.port}`,
    child,
    stop: (timeoutMs = 10_000) => stopChild(child, { ask: 'SIGINT', graceMs: timeoutMs, killWaitMs: 10_000 }),
  };
}

/** Polls url until it answers 200 (or gives up after timeoutMs / when dead() says the server died). */
export async function waitForHttp(url: string, timeoutMs: number, dead: () => boolean = () => false): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (dead()) throw new Error(`server for ${url} exited before answering`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

