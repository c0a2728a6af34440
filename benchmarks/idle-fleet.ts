/**
 * Issue 13's idle-fleet measure: N connected, idle workers (default 2,000),
 * squall against a bare `ws` server and clients exchanging the same JSON
 * heartbeat (ping every second both ways, pong each), in child processes
 * (benchmarks/lib/idle-side.ts), interleaved over ROUNDS. Figures: the
 * server's CPU over WINDOW_MS (% of one core, from process.cpuUsage), heap
 * per connection on both sides (heapUsed after forced GCs, minus the same
 * process's baseline before any connection, divided by N). Prints a table and
 * the ratios. `npm run bench:idle` (N, ROUNDS, WINDOW_MS).
 * squall runs as production runs it, the dist/ build (benchmarks/lib/sut.ts:
 * built first if stale, or SQUALL_SYSTEM_DIR); SYSTEM=tsx measures the
 * sources through tsx, whose kept function names cost every closure ~256 B
 * more.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
// Loading sut.ts builds (or finds) the system the sides run and sets SQUALL_SYSTEM_DIR, which they inherit.
import { SYSTEM_UNDER_TEST } from './lib/sut.js';

const N = Number(process.env.N ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const WINDOW_MS = Number(process.env.WINDOW_MS ?? 20_000);
const SIDE = fileURLToPath(new URL('./lib/idle-side.ts', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
type Kind = 'squall' | 'bare';

/** A child speaking the idle-side.ts command protocol. */
class Side {
  private readonly child: ChildProcess;
  private readonly waiting: ((o: Record<string, number>) => void)[] = [];
  constructor(args: string[]) {
    this.child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', SIDE, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    createInterface({ input: this.child.stdout! }).on('line', (l) => this.waiting.shift()?.(JSON.parse(l) as Record<string, number>));
  }
  ask(cmd: string): Promise<Record<string, number>> {
    return new Promise((r) => {
      this.waiting.push(r);
      this.child.stdin!.write(`${cmd}\n`);
    });
  }
  stop(): void {
    this.child.kill('SIGKILL');
  }
}

/** One measurement of one kind. */
async function measure(kind: Kind): Promise<{ cpuPct: number; serverHeapPerConn: number; clientHeapPerConn: number; clientCpuPct: number }> {
  const server = new Side(['server', kind]);
  const { port = 0 } = await server.ask('port');
  const clients = new Side(['clients', kind, `ws://127.0.0.1:${port}`, String(N)]);
  try {
    const s0 = (await server.ask('heap')).heapUsed ?? 0;
    const c0 = (await clients.ask('heap')).heapUsed ?? 0;
    await clients.ask('start');
    const deadline = Date.now() + 120_000;
    while (((await server.ask('count')).connections ?? 0) < N && Date.now() < deadline) await sleep(500);
    await sleep(3000);
    const sH = (await server.ask('heap')).heapUsed ?? 0;
    const cH = (await clients.ask('heap')).heapUsed ?? 0;
    const t0 = performance.now();
    const a0 = (await server.ask('cpu')).cpuUs ?? 0;
    const b0 = (await clients.ask('cpu')).cpuUs ?? 0;
    await sleep(WINDOW_MS);
    const a1 = (await server.ask('cpu')).cpuUs ?? 0;
    const b1 = (await clients.ask('cpu')).cpuUs ?? 0;
    const wall = performance.now() - t0;
    const connected = (await server.ask('count')).connections ?? 0;
    if (connected < N) process.stderr.write(`${kind}: only ${connected}/${N} connected\n`);
    return { cpuPct: ((a1 - a0) / 1000 / wall) * 100, clientCpuPct: ((b1 - b0) / 1000 / wall) * 100, serverHeapPerConn: (sH - s0) / N, clientHeapPerConn: (cH - c0) / N };
  } finally {
    clients.stop();
    server.stop();
  }
}

const rows: Record<Kind, Awaited<ReturnType<typeof measure>>[]> = { squall: [], bare: [] };
for (let r = 1; r <= ROUNDS; r++) {
  for (const kind of ['bare', 'squall'] as const) {
    rows[kind].push(await measure(kind));
    const m = rows[kind].at(-1);
    process.stderr.write(`round ${r} ${kind}: server cpu ${m?.cpuPct.toFixed(1)}%, heap/conn server ${m?.serverHeapPerConn.toFixed(0)} B, worker ${m?.clientHeapPerConn.toFixed(0)} B\n`);
  }
}
const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? 0;
const fig = (k: Kind, f: keyof Awaited<ReturnType<typeof measure>>): number => med(rows[k].map((x) => x[f]));
const w = (l: string): void => void process.stdout.write(`${l}\n`);
w(`${N} idle connections, heartbeat 1 s both ways, CPU over ${WINDOW_MS} ms, median of ${ROUNDS} interleaved rounds; squall ${SYSTEM_UNDER_TEST}`);
w('| figure | squall | bare ws | squall / bare | target |');
w('|---|---|---|---|---|');
w(`| server CPU, % of a core | ${fig('squall', 'cpuPct').toFixed(2)} | ${fig('bare', 'cpuPct').toFixed(2)} | ${(fig('squall', 'cpuPct') / fig('bare', 'cpuPct')).toFixed(2)} | <= 1.2 |`);
w(`| client side CPU, % of a core | ${fig('squall', 'clientCpuPct').toFixed(2)} | ${fig('bare', 'clientCpuPct').toFixed(2)} | ${(fig('squall', 'clientCpuPct') / fig('bare', 'clientCpuPct')).toFixed(2)} | — |`);
w(`| coordinator heap per connection, bytes | ${fig('squall', 'serverHeapPerConn').toFixed(0)} | ${fig('bare', 'serverHeapPerConn').toFixed(0)} | ${(fig('squall', 'serverHeapPerConn') / fig('bare', 'serverHeapPerConn')).toFixed(2)} | <= 1.5 |`);
w(`| worker heap per connection, bytes | ${fig('squall', 'clientHeapPerConn').toFixed(0)} | ${fig('bare', 'clientHeapPerConn').toFixed(0)} | ${(fig('squall', 'clientHeapPerConn') / fig('bare', 'clientHeapPerConn')).toFixed(2)} | <= 1.5 |`);
