/**
 * Swarm host: one child process running N real `Worker` instances (the
 * production worker code on the production seams: ws transport, system clock,
 * crypto randomness), so fleets of hundreds fit on a small machine. Started by
 * SwarmHostProcess (swarm-host-process.ts) as `node --import tsx harness/live/swarm-host.ts`.
 *
 * Control: JSON lines on stdin, each {cmd, req?, ...}:
 *   spawn {workers: HostedWorkerConfig[]}   create and start workers
 *   stop  {ids?, drain?, timeoutMs?}         stop (graceful by default) and forget them
 *   crash {ids}                              stop at once (no drain, no goodbye), forget them
 *   stats {ids?}                             WorkerStats per id
 *   flood {messagesPerSec, bytes}            every worker sends `data` messages (0 stops)
 *   exit                                     stop everything at once and exit
 * Output: JSON lines on stdout: {t:'ready', pid}, {t:'reply', req, ok, data?, error?},
 * and {t:'ev', mono, e} for every SystemEvent a worker emits, where mono is
 * performance.timeOrigin + performance.now() (comparable across processes).
 *
 * Pausing: SIGSTOP on this process pauses ALL its workers; a per-worker pause
 * needs the worker in a host of its own (the live runner does that for small fleets).
 */
import { createInterface } from 'node:readline';
import { systemClock, realCpu, type EventSink, type SystemEvent, silentLogger, cryptoRandom, seededRandom } from '../../system/core/index.js';
import { builtinTaskKinds } from '../../system/tasks/index.js';
import { wsTransport } from '../../system/transport/index.js';
import { type WorkerConfig, Worker } from '../../system/worker/index.js';

/** A worker as the harness asks for it: the worker config plus host-side options. */
export interface HostedWorkerConfig extends WorkerConfig {
  /** Seed for this worker's Random (backoff jitter); omitted: crypto randomness. */
  seed?: number;
  /** Task kinds it accepts; omitted: all built-in kinds. */
  kinds?: string[];
}

/** A command line on the host's stdin. */
export type HostCommand =
  | { cmd: 'spawn'; req?: number; workers: HostedWorkerConfig[] }
  | { cmd: 'stop'; req?: number; ids?: string[]; drain?: boolean; timeoutMs?: number }
  | { cmd: 'crash'; req?: number; ids: string[] }
  | { cmd: 'stats'; req?: number; ids?: string[] }
  | { cmd: 'flood'; req?: number; messagesPerSec: number; bytes: number }
  | { cmd: 'exit'; req?: number };

/** A line on the host's stdout. */
export type HostOutput =
  | { t: 'ready'; pid: number }
  | { t: 'reply'; req: number | undefined; ok: boolean; data?: unknown; error?: string }
  | { t: 'ev'; mono: number; e: SystemEvent };

const workers = new Map<string, Worker>();
let pending: string[] = [];
let flushScheduled = false;
let floodTimer: NodeJS.Timeout | undefined;

function write(line: HostOutput): void {
  pending.push(JSON.stringify(line));
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(() => {
      flushScheduled = false;
      const out = pending.join('\n') + '\n';
      pending = [];
      process.stdout.write(out);
    });
  }
}

const sink: EventSink = {
  emit(e) {
    write({ t: 'ev', mono: performance.timeOrigin + performance.now(), e });
  },
};

function spawnWorkers(list: HostedWorkerConfig[]): string[] {
  const started: string[] = [];
  for (const { seed, kinds, ...config } of list) {
    if (workers.has(config.id)) throw new Error(`worker "${config.id}" already runs in this host; stop or crash it first`);
    const all = builtinTaskKinds();
    const taskKinds = kinds === undefined ? all : new Map([...all].filter(([k]) => kinds.includes(k)));
    const random = seed === undefined ? cryptoRandom : seededRandom(seed);
    const w = new Worker({ transport: wsTransport(), clock: systemClock, random, logger: silentLogger, events: sink, cpu: realCpu, taskKinds }, config);
    workers.set(config.id, w);
    w.start();
    started.push(config.id);
  }
  return started;
}

function select(ids: string[] | undefined): [string, Worker][] {
  return ids === undefined ? [...workers] : ids.flatMap((id) => {
    const w = workers.get(id);
    return w === undefined ? [] : [[id, w] as [string, Worker]];
  });
}

async function handle(c: HostCommand): Promise<unknown> {
  switch (c.cmd) {
    case 'spawn':
      return spawnWorkers(c.workers);
    case 'stop': {
      const chosen = select(c.ids);
      await Promise.all(chosen.map(([, w]) => w.stop({ drain: c.drain ?? true, timeoutMs: c.timeoutMs ?? 5_000 })));
      for (const [id] of chosen) workers.delete(id);
      return chosen.map(([id]) => id);
    }
    case 'crash': {
      const chosen = select(c.ids);
      for (const [id] of chosen) workers.delete(id);
      await Promise.all(chosen.map(([, w]) => w.stop({ drain: false })));
      return chosen.map(([id]) => id);
    }
    case 'stats':
      return Object.fromEntries(select(c.ids).map(([id, w]) => [id, w.stats()]));
    case 'flood': {
      if (floodTimer !== undefined) clearInterval(floodTimer);
      floodTimer = undefined;
      if (c.messagesPerSec > 0) {
        const payload = 'x'.repeat(c.bytes);
        const everyMs = 50;
        const perTick = (c.messagesPerSec * everyMs) / 1000;
        let carry = 0;
        floodTimer = setInterval(() => {
          carry += perTick;
          const n = Math.floor(carry);
          carry -= n;
          for (const w of workers.values()) if (w.state === 'ready') for (let i = 0; i < n; i++) w.sendData(payload);
        }, everyMs);
      }
      return null;
    }
    case 'exit':
      if (floodTimer !== undefined) clearInterval(floodTimer);
      await Promise.all([...workers.values()].map((w) => w.stop({ drain: false })));
      workers.clear();
      setImmediate(() => process.exit(0));
      return null;
  }
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line.trim() === '') return;
  let c: HostCommand;
  try {
    c = JSON.parse(line) as HostCommand;
  } catch (err) {
    write({ t: 'reply', req: undefined, ok: false, error: `not JSON: ${(err as Error).message}` });
    return;
  }
  handle(c).then(
    (data) => write({ t: 'reply', req: c.req, ok: true, data }),
    (err: unknown) => write({ t: 'reply', req: c.req, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
// The harness going away (stdin closed) ends the host: no orphaned fleets.
rl.on('close', () => {
  for (const w of workers.values()) void w.stop({ drain: false });
  setTimeout(() => process.exit(0), 200).unref();
});
process.on('SIGTERM', () => process.exit(0));
write({ t: 'ready', pid: process.pid });
