/**
 * The BullMQ side of bench:peers: a private redis-server (AOF everysec), the
 * workers in `processes` child processes (bullmq-host.ts), this process as
 * the producer (Queue.addBulk for the max run, one Queue.add per task paced).
 * Completion = the Worker's 'completed' event (after Redis wrote the job's
 * completed state to the AOF).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { childCpuMs, processCpuMs, REPO_ROOT } from './cluster.js';
import { microsHistogram, recordMs, summarizeMs } from './histogram.js';
import type { PeerConfig, SideResult } from './peer-types.js';
import { type IORedisCtor, REDIS_DURABILITY, startRedis } from './redis-server.js';

interface HostReport {
  completed: number;
  lastAt: number;
  cpuMs: number;
  latenciesUs: number[];
}

/** One bullmq-host child process and its IPC request/response. */
class Host {
  readonly ready: Promise<void>;
  private waiter: ((m: Record<string, unknown>) => void) | undefined;
  private readonly child: ChildProcess;
  constructor(port: number, queue: string, workers: number, concurrency: number) {
    const args = ['--port', String(port), '--queue', queue, '--workers', String(workers), '--concurrency', String(concurrency)];
    this.child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'benchmarks/lib/bullmq-host.ts'), ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise((resolve, reject) => {
      this.child.once('exit', (code) => reject(new Error(`bullmq-host exited (code ${String(code)})`)));
      this.child.on('message', (m: Record<string, unknown>) => (m.ready !== undefined ? resolve() : this.waiter?.(m)));
    });
  }
  private ask(cmd: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.child.send({ cmd });
    });
  }
  async reset(): Promise<void> {
    await this.ask('reset');
  }
  async report(final = false): Promise<HostReport> {
    const reply: unknown = await this.ask(final ? 'final' : 'report'); // the host's IPC reply (bullmq-host.ts sends a HostReport)
    return reply as HostReport;
  }
  stop(): Promise<void> {
    const exited = new Promise<void>((r) => (this.child.exitCode !== null ? r() : this.child.once('exit', () => r())));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    return exited.finally(() => clearTimeout(t));
  }
}

const epochNow = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitAll(hosts: Host[], n: number, timeoutMs: number): Promise<{ ok: boolean; reports: HostReport[] }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const reports = await Promise.all(hosts.map((h) => h.report()));
    const done = reports.reduce((a, r) => a + r.completed, 0);
    if (done >= n || Date.now() > until) return { ok: done >= n, reports };
    await sleep(50);
  }
}

/** Submits n jobs with addBulk (batches, 4 in flight) and waits for all completions. */
async function maxRun(queue: Queue, hosts: Host[], n: number, cfg: PeerConfig): Promise<{ ms: number; completed: number; ok: boolean }> {
  await Promise.all(hosts.map((h) => h.reset()));
  const t0 = epochNow();
  let next = 0;
  const sender = async (): Promise<void> => {
    while (next < n) {
      const from = next;
      next = Math.min(n, next + cfg.batch);
      const jobs = [];
      for (let j = from; j < next; j++) jobs.push({ name: 'echo', data: { v: j } });
      await queue.addBulk(jobs);
    }
  };
  await Promise.all([sender(), sender(), sender(), sender()]);
  const { ok, reports } = await waitAll(hosts, n, cfg.timeoutMs);
  const last = Math.max(...reports.map((r) => r.lastAt));
  return { ms: last - t0, completed: reports.reduce((a, r) => a + r.completed, 0), ok };
}

/** One Queue.add per task at cfg.rate/s; latency of jobs submitted after the warm-up. */
async function pacedRun(queue: Queue, hosts: Host[], cfg: PeerConfig): Promise<SideResult['paced']> {
  await Promise.all(hosts.map((h) => h.reset()));
  const total = Math.round(cfg.rate * cfg.pacedSec);
  const t0 = performance.now();
  let sent = 0;
  let errors = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * cfg.rate));
    for (; sent < due; sent++) {
      const rec = performance.now() - t0 >= cfg.warmupSec * 1000 ? 1 : 0;
      queue.add('echo', { v: sent, t: epochNow(), rec }).catch(() => errors++);
    }
    await sleep(1);
  }
  const submitSec = (performance.now() - t0) / 1000;
  const { ok } = await waitAll(hosts, total, cfg.timeoutMs);
  const reports = await Promise.all(hosts.map((x) => x.report(true)));
  const h = microsHistogram();
  for (const r of reports) for (const us of r.latenciesUs) recordMs(h, us / 1000);
  const out = { targetRate: cfg.rate, achievedSubmitRate: Math.round(total / submitSec), timedOut: !ok || errors > 0, submitToCompleteMs: summarizeMs(h) };
  h.destroy();
  return out;
}

/** Runs warm-up, max and paced against a fresh Redis; returns the measurements. */
export async function runBullmqSide(cfg: PeerConfig, IORedis: IORedisCtor, redisBin: string, log: (s: string) => void): Promise<SideResult> {
  const redis = await startRedis(redisBin);
  const qname = `peers-${process.pid}`;
  const per = Math.ceil(cfg.workers / cfg.processes);
  const hosts = Array.from({ length: cfg.processes }, (_, i) => new Host(redis.port, qname, Math.min(per, cfg.workers - i * per), cfg.concurrency));
  const queue = new Queue(qname, { connection: new IORedis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null }) as never });
  try {
    await Promise.all(hosts.map((h) => h.ready));
    log(`bullmq: ${cfg.workers} workers x ${cfg.concurrency} in ${cfg.processes} process(es) on ${redis.version.split(' ').slice(0, 3).join(' ')}; warm-up ${cfg.warmupTasks}`);
    await maxRun(queue, hosts, cfg.warmupTasks, cfg);
    const c0 = { self: processCpuMs(), redis: childCpuMs(redis.pid) ?? 0, hosts: (await Promise.all(hosts.map((h) => h.report()))).reduce((a, r) => a + r.cpuMs, 0) };
    const max = await maxRun(queue, hosts, cfg.tasks, cfg);
    const hostCpu = (await Promise.all(hosts.map((h) => h.report()))).reduce((a, r) => a + r.cpuMs, 0);
    const us = (ms: number): number => Math.round((ms * 1000) / cfg.tasks);
    const cpuUsPerTask = { producer: us(processCpuMs() - c0.self), 'redis-server': us((childCpuMs(redis.pid) ?? 0) - c0.redis), 'bullmq-workers': us(hostCpu - c0.hosts) };
    const tasksPerSec = Math.round((max.completed / max.ms) * 1000);
    log(`bullmq: max ${cfg.tasks} tasks in ${Math.round(max.ms)} ms = ${tasksPerSec}/s; cpu µs/task ${JSON.stringify(cpuUsPerTask)}; paced ${cfg.rate}/s for ${cfg.pacedSec} s`);
    const paced = await pacedRun(queue, hosts, cfg);
    log(`bullmq: paced p50 ${paced.submitToCompleteMs.p50} ms, p99 ${paced.submitToCompleteMs.p99} ms`);
    return {
      system: 'bullmq',
      durability: REDIS_DURABILITY,
      max: { tasks: cfg.tasks, completed: max.completed, elapsedMs: Math.round(max.ms), tasksPerSec, timedOut: !max.ok },
      paced,
      cpuUsPerTask,
    };
  } finally {
    await queue.close().catch(() => {});
    await Promise.all(hosts.map((h) => h.stop()));
    await redis.stop();
  }
}
