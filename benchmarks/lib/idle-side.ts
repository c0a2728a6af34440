/**
 * One side of benchmarks/idle-fleet.ts, run as a child with --expose-gc:
 *   idle-side.ts server squall|bare       a squall coordinator (memory store) or a bare `ws`
 *                                         server that pings every connection each second and
 *                                         answers pings: the same JSON heartbeat both ways
 *   idle-side.ts clients squall|bare URL N on `start [K]`: K more (default N) squall workers (one
 *                                         process) or bare ws clients pinging every second and
 *                                         answering pings
 * stdin commands, one per line, each answered by one JSON line on stdout:
 *   port -> {port}   count -> {connections}   heap -> {heapUsed} (after two forced GCs)
 *   cpu -> {cpuUs} (user + system of this process)
 */
import { createInterface } from 'node:readline';
import { WebSocket, WebSocketServer } from 'ws';
import { builtinTaskKinds, createCoordinator, cryptoRandom, MemoryStore, nullSink, realCpu, silentLogger, systemClock, Worker, wsTransport } from './sut.js';
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

/** Opens n more client connections (on the `start` command, after a baseline heap). */
function startClients(n: number): void {
  if (kind === 'bare') startBareClients(n);
  else startWorkers(n);
}

let open = 0;
function startBareClients(n: number): void {
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(`${url}/ws`, { perMessageDeflate: false });
    ws.on('open', () => {
      open++;
      bareHeartbeat(ws);
    });
  }
  count = () => open;
}

const workers: Worker[] = [];
function startWorkers(n: number): void {
  const deps = { transport: wsTransport(), clock: systemClock, random: cryptoRandom, logger: silentLogger, events: nullSink, cpu: realCpu, taskKinds: builtinTaskKinds() };
  for (let i = 0; i < n; i++) {
    const w = new Worker(deps, { id: `idle-${workers.length}`, coordinatorUrl: url ?? '', heartbeatMs: 1000, backoff: { initialMs: 100, maxMs: 2000 } });
    w.start();
    workers.push(w);
  }
  count = () => workers.filter((w) => w.state === 'ready').length;
}

createInterface({ input: process.stdin }).on('line', (cmd) => {
  const reply = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
  if (cmd === 'port') reply({ port });
  else if (cmd.startsWith('start')) {
    const n = Number(cmd.split(' ')[1] ?? nArg);
    startClients(n);
    reply({ started: n });
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
