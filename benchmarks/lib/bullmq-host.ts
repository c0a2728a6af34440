/**
 * Child-process entry for bench:peers: N BullMQ Workers (concurrency C each)
 * in ONE process, no-op processor, the same shape as worker-host.ts is for
 * squall. A job counts as completed at the Worker's 'completed' event, which
 * fires after moveToCompleted's reply, i.e. after Redis wrote it to the AOF.
 * Talks to its parent over IPC:
 *   → {ready: N}                      all workers connected
 *   ← {cmd: 'reset'}                  zero the counters (a new phase)
 *   ← {cmd: 'report'}  → {completed, lastAt, cpuMs, latenciesUs: []}
 *   ← {cmd: 'final'}   → the same with the recorded latencies
 * `lastAt` and job.data.t are performance.timeOrigin + performance.now(), a
 * clock shared by the processes of one machine; latencies are recorded only
 * for jobs whose data has `rec: 1` (after the paced run's warm-up).
 *
 *   node --import tsx benchmarks/lib/bullmq-host.ts --port P --queue Q --workers 4 --concurrency 50
 */
import { type Job, Worker } from 'bullmq';
import { argNumber, argString } from './args.js';
import { loadIORedis } from './redis-server.js';

const port = argNumber('port', 6379);
const queue = argString('queue') ?? 'bench';
const count = argNumber('workers', 4);
const concurrency = argNumber('concurrency', 50);
const IORedis = loadIORedis();
if (IORedis === undefined) throw new Error('bullmq-host: ioredis is not installed (see benchmarks/lib/redis-server.ts)');

const epochNow = (): number => performance.timeOrigin + performance.now();
let completed = 0;
let lastAt = 0;
let latenciesUs: number[] = [];

type JobData = { v?: number; t?: number; rec?: number };

function onCompleted(job: Job<JobData>): void {
  completed++;
  lastAt = epochNow();
  if (job.data.rec === 1 && job.data.t !== undefined) latenciesUs.push(Math.round((lastAt - job.data.t) * 1000));
}

const workers: Worker[] = [];
for (let i = 0; i < count; i++) {
  const connection = new IORedis({ host: '127.0.0.1', port, maxRetriesPerRequest: null });
  const w = new Worker(queue, async (job: Job<JobData>) => job.data.v ?? null, { connection: connection as never, concurrency });
  w.on('completed', onCompleted);
  w.on('error', (err) => process.stderr.write(`bullmq-host worker error: ${String(err)}\n`));
  workers.push(w);
}

async function main(): Promise<void> {
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  process.send?.({ ready: count });
}

process.on('message', (msg: { cmd?: string }) => {
  if (msg.cmd === 'reset') {
    completed = 0;
    lastAt = 0;
    latenciesUs = [];
    process.send?.({ reset: true });
  } else if (msg.cmd === 'report' || msg.cmd === 'final') {
    const cpu = process.cpuUsage();
    process.send?.({ completed, lastAt, cpuMs: (cpu.user + cpu.system) / 1000, latenciesUs: msg.cmd === 'final' ? latenciesUs : [] });
  }
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(workers.map((w) => w.close(true).catch(() => {})));
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.on('disconnect', () => void stop());

main().catch((err: unknown) => {
  process.stderr.write(`bullmq-host: ${String(err)}\n`);
  process.exit(1);
});
