/**
 * One side of benchmarks/idle-fleet.ts, run as a child with --expose-gc:
 *   idle-side.ts server squall|bare       a squall coordinator (memory store) or a bare `ws`
 *                                         server that pings every connection each second and
 *                                         answers pings: the same JSON heartbeat both ways
 *   idle-side.ts clients squall|bare URL N on `start`: N squall workers (one process) or N bare
 *                                         ws clients pinging every second and answering pings
 * stdin commands, one per line, each answered by one JSON line on stdout:
 *   port -> {port}   count -> {connections}   heap -> {heapUsed} (after two forced GCs)
 *   cpu -> {cpuUs} (user + system of this process)
 */
import { createInterface } from 'node:readline';
import { WebSocket, WebSocketServer } from 'ws';
import type * as Clock from '../../system/core/clock.js';
import type * as Cpu from '../../system/core/cpu.js';
import type * as Events from '../../system/core/events.js';
import type * as Log from '../../system/core/logger.js';
import type * as Rand from '../../system/core/random.js';
import type * as Coord from '../../system/coordinator/index.js';
import type * as Store from '../../system/store/memory-store.js';
import type * as Tasks from '../../system/tasks/registry.js';
import type * as Transport from '../../system/transport/index.js';
import type * as WorkerMod from '../../system/worker/index.js';

/**
 * The system under measurement: the TypeScript sources through tsx (default),
 * or the compiled build (SQUALL_SYSTEM_DIR = its system/ directory, as
 * idle-fleet.ts builds it): what production runs. tsx keeps function names
 * (esbuild keepNames), which gives every closure a property dictionary of its
 * own (~256 B) that the compiled system does not have.
 */
const SYSTEM = process.env.SQUALL_SYSTEM_DIR === undefined ? new URL('../../system/', import.meta.url) : new URL(`file://${process.env.SQUALL_SYSTEM_DIR.replace(/\/?$/, '/')}`);
const from = async <T>(rel: string): Promise<T> => (await import(new URL(rel, SYSTEM).href)) as T;
const { systemClock } = await from<typeof Clock>('core/clock.js');
const { realCpu } = await from<typeof Cpu>('core/cpu.js');
const { nullSink } = await from<typeof Events>('core/events.js');
const { silentLogger } = await from<typeof Log>('core/logger.js');
const { cryptoRandom } = await from<typeof Rand>('core/random.js');
const { createCoordinator } = await from<typeof Coord>('coordinator/index.js');
const { MemoryStore } = await from<typeof Store>('store/memory-store.js');
const { builtinTaskKinds } = await from<typeof Tasks>('tasks/registry.js');
const { wsTransport } = await from<typeof Transport>('transport/index.js');
const { Worker } = await from<typeof WorkerMod>('worker/index.js');
type Worker = InstanceType<typeof Worker>;

const [role, kind, url, nArg] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);
let port = 0;
let count = (): number => 0;

/** The same heartbeat squall sends, as a bare ws peer sends it: ping every second, pong every ping. */
function bareHeartbeat(ws: WebSocket): void {
  let id = 0;
  const t = setInterval(() => ws.send(JSON.stringify({ v: 2, type: 'ping', id: id++, t: performance.now(), ack: 0 })), 1000);
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { type: string; id: number; t: number };
    if (m.type === 'ping') ws.send(JSON.stringify({ v: 2, type: 'pong', id: m.id, t: m.t, ack: 0 }));
  });
  ws.on('close', () => clearInterval(t));
}

if (role === 'server' && kind === 'bare') {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  port = (wss.address() as { port: number }).port;
  wss.on('connection', (ws) => bareHeartbeat(ws));
  count = () => wss.clients.size;
} else if (role === 'server') {
  const c = await createCoordinator(
    { transport: wsTransport(), clock: systemClock, random: cryptoRandom, logger: silentLogger, events: nullSink, store: new MemoryStore(), taskKinds: builtinTaskKinds() },
    { port: 0, heartbeatMs: 1000, heartbeatTimeoutMs: 3000, compression: false, maxPendingHandshakes: 10_000 },
  );
  port = Number(new URL(c.url).port);
  count = () => c.workers().filter((w) => w.state === 'connected').length;
}

/** Opens the N client connections (on the `start` command, after the baseline heap). */
function startClients(): void {
  if (kind === 'bare') startBareClients();
  else startWorkers();
}

function startBareClients(): void {
  let open = 0;
  for (let i = 0; i < Number(nArg); i++) {
    const ws = new WebSocket(`${url}/ws`, { perMessageDeflate: false });
    ws.on('open', () => {
      open++;
      bareHeartbeat(ws);
    });
  }
  count = () => open;
}

function startWorkers(): void {
  const workers: Worker[] = [];
  const deps = { transport: wsTransport(), clock: systemClock, random: cryptoRandom, logger: silentLogger, events: nullSink, cpu: realCpu, taskKinds: builtinTaskKinds() };
  for (let i = 0; i < Number(nArg); i++) {
    const w = new Worker(deps, { id: `idle-${i}`, coordinatorUrl: url ?? '', heartbeatMs: 1000, backoff: { initialMs: 100, maxMs: 2000 } });
    w.start();
    workers.push(w);
  }
  count = () => workers.filter((w) => w.state === 'ready').length;
}

createInterface({ input: process.stdin }).on('line', (cmd) => {
  const reply = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
  if (cmd === 'port') reply({ port });
  else if (cmd === 'start') {
    startClients();
    reply({ started: Number(nArg) });
  }
  else if (cmd === 'count') reply({ connections: count() });
  else if (cmd === 'heap') {
    gc();
    gc();
    reply({ heapUsed: process.memoryUsage().heapUsed });
  } else if (cmd === 'cpu') {
    const u = process.cpuUsage();
    reply({ cpuUs: u.user + u.system });
  } else if (cmd === 'exit') process.exit(0);
});
