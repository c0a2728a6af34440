/**
 * Issue 13's idle-fleet measure: N connected, idle workers (default 2,000),
 * squall against a bare `ws` server and clients exchanging the same JSON
 * heartbeat (ping every second both ways, pong each), in child processes
 * (benchmarks/lib/idle-side.ts), interleaved over ROUNDS. Figures: the
 * server's CPU over WINDOW_MS (% of one core, from process.cpuUsage), heap
 * per connection on both sides, two ways: heapUsed after forced GCs minus the
 * same process's baseline before any connection, divided by N (this includes
 * each side's one-off cost: the code an idle connection runs, compiled once);
 * and the marginal figure, from a baseline taken after WARM connections have
 * run a few heartbeats, divided by N - WARM (state per connection only).
 * Prints a table and the ratios. `npm run bench:idle` (N, ROUNDS, WINDOW_MS,
 * WARM).
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
const WARM = Number(process.env.WARM ?? 50);
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

type Figures = { cpuPct: number; clientCpuPct: number; serverHeapPerConn: number; clientHeapPerConn: number; serverHeapMarginal: number; clientHeapMarginal: number };
const heaps = async (a: Side, b: Side): Promise<[number, number]> => [(await a.ask('heap')).heapUsed ?? 0, (await b.ask('heap')).heapUsed ?? 0];

/** Opens n more client connections and waits (up to 2 min) until the server counts `total`, then for a few heartbeats. */
async function connect(server: Side, clients: Side, n: number, total: number): Promise<void> {
  await clients.ask(`start ${n}`);
  const deadline = Date.now() + 120_000;
  while (((await server.ask('count')).connections ?? 0) < total && Date.now() < deadline) await sleep(500);
  await sleep(3000);
}

/** CPU of both sides over WINDOW_MS, % of one core. */
async function cpuWindow(server: Side, clients: Side): Promise<{ cpuPct: number; clientCpuPct: number }> {
  const t0 = performance.now();
  const a0 = (await server.ask('cpu')).cpuUs ?? 0;
  const b0 = (await clients.ask('cpu')).cpuUs ?? 0;
  await sleep(WINDOW_MS);
  const a1 = (await server.ask('cpu')).cpuUs ?? 0;
  const b1 = (await clients.ask('cpu')).cpuUs ?? 0;
  const wall = performance.now() - t0;
  return { cpuPct: ((a1 - a0) / 1000 / wall) * 100, clientCpuPct: ((b1 - b0) / 1000 / wall) * 100 };
}

/** One measurement of one kind: heap before any connection, after WARM, after N; then the CPU window. */
async function measure(kind: Kind): Promise<Figures> {
  const server = new Side(['server', kind]);
  const { port = 0 } = await server.ask('port');
  const clients = new Side(['clients', kind, `ws://127.0.0.1:${port}`, String(N)]);
  try {
    const [s0, c0] = await heaps(server, clients);
    await connect(server, clients, WARM, WARM);
    const [s1, c1] = await heaps(server, clients);
    await connect(server, clients, N - WARM, N);
    const [sH, cH] = await heaps(server, clients);
    const cpu = await cpuWindow(server, clients);
    const connected = (await server.ask('count')).connections ?? 0;
    if (connected < N) process.stderr.write(`${kind}: only ${connected}/${N} connected\n`);
    const rest = N - WARM;
    return { ...cpu, serverHeapPerConn: (sH - s0) / N, clientHeapPerConn: (cH - c0) / N, serverHeapMarginal: (sH - s1) / rest, clientHeapMarginal: (cH - c1) / rest };
  } finally {
    clients.stop();
    server.stop();
  }
}

const rows: Record<Kind, Figures[]> = { squall: [], bare: [] };
for (let r = 1; r <= ROUNDS; r++) {
  for (const kind of ['bare', 'squall'] as const) {
    rows[kind].push(await measure(kind));
    const m = rows[kind].at(-1);
    process.stderr.write(`round ${r} ${kind}: server cpu ${m?.cpuPct.toFixed(1)}%, heap/conn server ${m?.serverHeapPerConn.toFixed(0)} B (marginal ${m?.serverHeapMarginal.toFixed(0)}), worker ${m?.clientHeapPerConn.toFixed(0)} B (marginal ${m?.clientHeapMarginal.toFixed(0)})\n`);
  }
}
const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? 0;
const fig = (k: Kind, f: keyof Figures): number => med(rows[k].map((x) => x[f]));
const w = (l: string): void => void process.stdout.write(`${l}\n`);
w(`${N} idle connections, heartbeat 1 s both ways, CPU over ${WINDOW_MS} ms, median of ${ROUNDS} interleaved rounds; squall ${SYSTEM_UNDER_TEST}`);
w('| figure | squall | bare ws | squall / bare | target |');
w('|---|---|---|---|---|');
/** One table row: squall, bare, their ratio, the target. */
function row(label: string, f: keyof Figures, digits: number, target: string): void {
  const [a, b] = [fig('squall', f), fig('bare', f)];
  w(`| ${label} | ${a.toFixed(digits)} | ${b.toFixed(digits)} | ${(a / b).toFixed(2)} | ${target} |`);
}
row('server CPU, % of a core', 'cpuPct', 2, '<= 1.2');
row('client side CPU, % of a core', 'clientCpuPct', 2, '—');
row('coordinator heap per connection, bytes (from zero)', 'serverHeapPerConn', 0, '<= 1.5');
row(`coordinator heap per connection, bytes (marginal, after ${WARM})`, 'serverHeapMarginal', 0, '<= 1.5');
row('worker heap per connection, bytes (from zero)', 'clientHeapPerConn', 0, '<= 1.5');
row(`worker heap per connection, bytes (marginal, after ${WARM})`, 'clientHeapMarginal', 0, '<= 1.5');
