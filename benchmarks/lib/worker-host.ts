/**
 * Child-process entry for benchmarks: runs N production workers (ws
 * transport, real clock) in ONE process against a coordinator, so the
 * coordinator's process gets a core to itself. Prints one JSON line
 * {"ready":N} once every worker registered; on SIGUSR2 prints
 * {"cpuNowMs":...}; on SIGTERM/SIGINT stops the
 * workers, prints {"cpuMs":...,"finished":...} and exits.
 *
 *   node --import tsx benchmarks/lib/worker-host.ts --url ws://127.0.0.1:P --workers 4 --concurrency 64
 */
import type { Worker as WorkerType } from '../../system/worker/worker.js';
import { builtinTaskKinds, cryptoRandom, realCpu, silentLogger, systemClock, Worker, wsTransport } from './sut.js';
import { argNumber, argString } from './args.js';

const url = argString('url');
if (url === undefined) throw new Error('worker-host: --url ws://host:port is required');
const count = argNumber('workers', 4);
const concurrency = argNumber('concurrency', 64);
const prefix = argString('prefix') ?? `bench-${process.pid}`;

let connected = 0;
let finished = 0;
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
          if (e.type === 'task_finished') finished++;
          if (e.type === 'connected' && !seen.has(e.workerId)) {
            seen.add(e.workerId);
            if (++connected === count) process.stdout.write(`${JSON.stringify({ ready: count })}\n`);
          }
        },
      },
      cpu: realCpu,
      taskKinds: builtinTaskKinds(),
    },
    { id: `${prefix}-${i}`, coordinatorUrl: url, concurrency, backoff: { strategy: 'full-jitter', initialMs: 20, maxMs: 500 } },
  );
  workers.push(w);
  w.start();
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(workers.map((w) => w.stop({ drain: false }).catch(() => {})));
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ cpuMs: Math.round((cpu.user + cpu.system) / 1000), finished })}\n`);
  process.exit(0);
}
// SIGUSR2: report CPU time so far (the benchmark reads CPU per task of each phase).
process.on('SIGUSR2', () => {
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ cpuNowMs: Math.round((cpu.user + cpu.system) / 1000), finished })}\n`);
});
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
