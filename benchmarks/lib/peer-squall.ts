/**
 * The squall side of bench:peers: an embedded coordinator in this process
 * (production seams, SQLite WAL with synchronous=FULL: every group commit is
 * fsynced before anything in it is acknowledged, stricter than Redis's
 * everysec), the workers in `processes` worker-host child processes, and the
 * embedding API as the producer. Completion = the terminal status committed
 * (TimingStore sees Store.complete resolve).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SYSTEM_UNDER_TEST } from './sut.js';
import { BENCH_STORE_THREAD, mainThreadCpuMs, processCpuMs, removeDir, spawnWorkerHost, startEmbedded, tempDataDir, type WorkerGroup } from './cluster.js';
import { type CompletionTracker, maxEmbedded, pacedEmbedded } from './load.js';
import type { PeerConfig, SideResult } from './peer-types.js';

/** What squall is held to in bench:peers (stated in the output beside Redis's). */
const SQUALL_DURABILITY = 'SQLite WAL, synchronous=FULL (each group commit fsynced before any of it is acknowledged): stricter than AOF everysec';

async function workersCpuMs(groups: WorkerGroup[]): Promise<number> {
  return (await Promise.all(groups.map((g) => g.cpuMs()))).reduce((a, b) => a + b, 0);
}

/** Runs warm-up, max and paced on a fresh data directory; returns the measurements. */
export async function runSquallSide(cfg: PeerConfig, log: (s: string) => void): Promise<SideResult> {
  const dataDir = tempDataDir('peers');
  let tracker: CompletionTracker | undefined;
  const setTracker = (t: CompletionTracker): void => {
    tracker = t;
  };
  const system = await startEmbedded(dataDir, (rec) => tracker?.onCommitted(rec), {}, 'sqlite', { synchronous: 'full' });
  const per = Math.ceil(cfg.workers / cfg.processes);
  const groups = Array.from({ length: cfg.processes }, (_, i) =>
    spawnWorkerHost(system.coordinator.url, Math.min(per, cfg.workers - i * per), cfg.concurrency),
  );
  try {
    await Promise.all(groups.map((g) => g.ready));
    const engine = system.coordinator.engine;
    log(`squall: ${cfg.workers} workers x ${cfg.concurrency} in ${cfg.processes} process(es); warm-up ${cfg.warmupTasks}`);
    await maxEmbedded(engine, setTracker, { tasks: cfg.warmupTasks, batchSize: cfg.batch, timeoutMs: cfg.timeoutMs, tag: 'warm' });
    const c0 = processCpuMs();
    const m0 = mainThreadCpuMs() ?? 0;
    const lag = monitorEventLoopDelay({ resolution: 1 });
    lag.enable();
    const w0 = await workersCpuMs(groups);
    const max = await maxEmbedded(engine, setTracker, { tasks: cfg.tasks, batchSize: cfg.batch, timeoutMs: cfg.timeoutMs, tag: 'max' });
    const us = (ms: number): number => Math.round((ms * 1000) / cfg.tasks);
    const cpuUsPerTask = { coordinator: us(processCpuMs() - c0), 'squall-workers': us((await workersCpuMs(groups)) - w0) };
    // Of the coordinator's CPU: its main thread (event loop) and the rest (the store's thread when on, GC and libuv threads).
    const mainThread = us((mainThreadCpuMs() ?? 0) - m0);
    lag.disable();
    const lagMs = (q: number): number => Math.round(lag.percentile(q) / 1e4) / 100;
    log(`squall: max ${cfg.tasks} tasks in ${max.elapsedMs} ms = ${max.tasksPerSec}/s; cpu µs/task ${JSON.stringify(cpuUsPerTask)} (coordinator main thread ${mainThread}, store thread ${BENCH_STORE_THREAD ? 'on' : 'off'}; event-loop delay p50 ${lagMs(50)} ms, p99 ${lagMs(99)} ms, max ${lagMs(100)} ms); paced ${cfg.rate}/s for ${cfg.pacedSec} s`);
    const paced = await pacedEmbedded(engine, setTracker, { rate: cfg.rate, durationSec: cfg.pacedSec, warmupSec: cfg.warmupSec, timeoutMs: cfg.timeoutMs, tag: 'paced' });
    log(`squall: paced p50 ${paced.submitToCompleteMs.p50} ms, p99 ${paced.submitToCompleteMs.p99} ms`);
    return {
      system: 'squall',
      durability: `${SQUALL_DURABILITY}; ${SYSTEM_UNDER_TEST}`,
      max: { tasks: max.tasks, completed: max.completed, elapsedMs: max.elapsedMs, tasksPerSec: max.tasksPerSec, timedOut: max.timedOut || max.notCompleted > 0 },
      paced: { targetRate: paced.targetRate, achievedSubmitRate: paced.achievedSubmitRate, timedOut: paced.timedOut, submitToCompleteMs: paced.submitToCompleteMs },
      cpuUsPerTask,
    };
  } finally {
    await Promise.all(groups.map((g) => g.stop().catch(() => {})));
    await system.close();
    removeDir(dataDir);
  }
}
