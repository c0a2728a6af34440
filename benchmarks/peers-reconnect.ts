/**
 * `npm run bench:peers:reconnect`: squall against socket.io 4.8 (websocket
 * only) on the same machine, the same outage (the fault proxy drops every
 * link for DOWN_MS, then heals) and the same backoff range (INITIAL_MS..MAX_MS;
 * squall full-jitter, socket.io its own exponential with randomization 0.5),
 * interleaved round by round so machine load hits both alike. Figures:
 *  - one worker / client: beyond-backoff reconnect (attempt start → synced for
 *    squall, → connected for socket.io), p50 and p99;
 *  - FLEET workers / clients healed at once: heal → all back (squall: all
 *    registered and synced; socket.io: all connected), median over rounds, and
 *    the server's event-loop lag p99 over the cell (both servers run with
 *    harness/live/probe.mjs preloaded: the same 10 ms timer).
 * Prints a table with the ratios squall / socket.io. Env: ROUNDS (3), CUTS (20,
 * one-worker cuts per round), FLEET (500), DOWN_MS (2000), INITIAL_MS (100), MAX_MS (1000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { runReconnectBench } from '../harness/live/bench-reconnect.js';
import { connectFaultProxy, type FaultProxy } from '../harness/proxy/client.js';
import { delay, freePort, monoNow } from '../harness/proc/index.js';
import { startRunProxy } from '../harness/live/proxy-host-process.js';
import { microsHistogram, recordMs, summarizeMs } from './lib/histogram.js';

const env = (k: string, d: number): number => Number(process.env[k] ?? d);
const ROUNDS = env('ROUNDS', 3);
const CUTS = env('CUTS', 20);
const FLEET = env('FLEET', 500);
const DOWN_MS = env('DOWN_MS', 2000);
const backoff = { initialMs: env('INITIAL_MS', 100), maxMs: env('MAX_MS', 1000) };
const PEER = fileURLToPath(new URL('./lib/sio-peer.mjs', import.meta.url));
const PROBE = fileURLToPath(new URL('../harness/live/probe.mjs', import.meta.url));
const TMP = mkdtempSync(join(tmpdir(), 'peers-reconnect-'));
const log = (l: string): void => void process.stderr.write(`${l}\n`);

type Ev = { id: string; ev: 'connect' | 'disconnect' | 'attempt'; mono: number };

const children = new Set<ChildProcess>();
// An interrupted run must not leave socket.io servers or client herds behind.
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));

/** A child running sio-peer.mjs (with probe.mjs writing to probeFile, if given); its JSON lines go to onLine. */
function peer(args: string[], onLine: (o: Record<string, unknown>) => void, probeFile?: string): ChildProcess {
  const probe = probeFile === undefined ? [] : ['--import', PROBE];
  const env = probeFile === undefined ? process.env : { ...process.env, SQUALL_PROBE_FILE: probeFile };
  const child = spawn(process.execPath, [...probe, PEER, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
  children.add(child);
  child.once('exit', () => children.delete(child));
  createInterface({ input: child.stdout! }).on('line', (l) => onLine(JSON.parse(l) as Record<string, unknown>));
  return child;
}

/** Event-loop lag samples probe.mjs wrote to `file`, ms. */
function probeLags(file: string): number[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l !== '').flatMap((l) => (JSON.parse(l) as { lagMs: number[] }).lagMs);
}

/** One socket.io cell: n clients, `cuts` outages; per cut the beyond-backoff samples and heal → all connected; the server's loop lag. */
async function socketIoCell(proxy: FaultProxy, n: number, cuts: number): Promise<{ beyond: number[]; allBack: number[]; lag: number[] }> {
  const port = await freePort('127.0.0.1');
  let ready!: () => void;
  const started = new Promise<void>((r) => (ready = r));
  const probeFile = join(TMP, `sio-${port}.jsonl`);
  const server = peer(['server', String(port)], (o) => o.ready !== undefined && ready(), probeFile);
  await started;
  const name = `sio-${n}-${port}`;
  const listen = (await proxy.createProxy(name, `127.0.0.1:${port}`)).listen;
  const events: Ev[] = [];
  const clients = peer(['clients', `ws://${listen}`, String(n), String(backoff.initialMs), String(backoff.maxMs)], (o) => events.push(o as Ev));
  const up = (from: number): Set<string> => new Set(events.slice(from).filter((e) => e.ev === 'connect').map((e) => e.id));
  while (up(0).size < n) await delay(20);
  const beyond: number[] = [];
  const allBack: number[] = [];
  try {
    for (let k = 0; k < cuts; k++) {
      await delay(150);
      await proxy.setEnabled(name, false);
      await delay(DOWN_MS);
      const from = events.length;
      const heal = monoNow();
      await proxy.setEnabled(name, true);
      while (up(from).size < n) await delay(10);
      const byId = new Map<string, Ev[]>();
      for (const e of events.slice(0)) if (e.mono >= heal - DOWN_MS - 200) byId.set(e.id, [...(byId.get(e.id) ?? []), e]);
      let last = 0;
      for (const list of byId.values()) {
        const conn = list.find((e) => e.ev === 'connect' && e.mono >= heal);
        if (conn === undefined) continue;
        const attempt = [...list].reverse().find((e) => e.ev === 'attempt' && e.mono <= conn.mono);
        beyond.push(conn.mono - Math.max(heal, attempt?.mono ?? heal));
        last = Math.max(last, conn.mono - heal);
      }
      allBack.push(last);
    }
  } finally {
    clients.kill('SIGTERM');
    server.kill('SIGTERM');
    await proxy.client.get(name).then((p) => p.remove()).catch(() => undefined);
  }
  return { beyond, allBack, lag: probeLags(probeFile) };
}

/** One squall cell through the live bench: n workers, `cuts` outages. */
async function squallCell(n: number, cuts: number): Promise<{ beyond: number[]; allBack: number[]; floor99: number; lag99: number }> {
  const { json, result } = await runReconnectBench({ conditions: ['clean'], strategies: ['full-jitter'], fleets: [n], cuts, downMs: DOWN_MS, backoff, tasksPerWorker: 0, floorSamples: 50, reportDir: null, progress: false });
  const g = result.reconnectSamples?.[0];
  const row = result.benchRows?.[0];
  const floor = json.floor as { proxied: { p99: number } } | null;
  return { beyond: g?.beyondBackoffMs ?? [], allBack: row === undefined ? [] : [row.max], floor99: floor?.proxied.p99 ?? 0, lag99: row?.loopLagP99 ?? 0 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? 0;
const pct = (xs: number[]): { p50: number; p99: number } => {
  const h = microsHistogram();
  for (const x of xs) recordMs(h, Math.max(0, x));
  const s = summarizeMs(h);
  return { p50: s.p50, p99: s.p99 };
};

const proxyHost = await startRunProxy(1);
const proxy = await connectFaultProxy({ url: proxyHost.url });
const acc = { sq1: [] as number[], sio1: [] as number[], sqN: [] as number[], sioN: [] as number[], floor: [] as number[], sqLag: [] as number[], sioLag: [] as number[] };
try {
  for (let r = 1; r <= ROUNDS; r++) {
    const a = await squallCell(1, CUTS);
    acc.sq1.push(...a.beyond);
    acc.floor.push(a.floor99);
    acc.sio1.push(...(await socketIoCell(proxy, 1, CUTS)).beyond);
    const sq = await squallCell(FLEET, 1);
    acc.sqN.push(...sq.allBack);
    acc.sqLag.push(sq.lag99);
    const sio = await socketIoCell(proxy, FLEET, 1);
    acc.sioN.push(...sio.allBack);
    acc.sioLag.push(pct(sio.lag).p99);
    log(`round ${r}/${ROUNDS}: ${FLEET} all back: squall ${acc.sqN.at(-1)?.toFixed(0)} ms (loop lag p99 ${sq.lag99.toFixed(1)} ms), socket.io ${acc.sioN.at(-1)?.toFixed(0)} ms (${acc.sioLag.at(-1)?.toFixed(1)} ms)`);
  }
} finally {
  await proxy.close().catch(() => undefined);
  await proxyHost.stop().catch(() => undefined);
  rmSync(TMP, { recursive: true, force: true });
}
const s1 = pct(acc.sq1);
const i1 = pct(acc.sio1);
const ratio = (x: number, y: number): string => (y > 0 ? (x / y).toFixed(2) : '—');
const w = (l: string): void => void process.stdout.write(`${l}\n`);
w(`squall vs socket.io 4.8 (websocket only); ${ROUNDS} interleaved rounds; outage: link cut ${DOWN_MS} ms; backoff ${backoff.initialMs}..${backoff.maxMs} ms; bare ws floor p99 via proxy (median of rounds) ${median(acc.floor).toFixed(2)} ms`);
w('| figure | squall | socket.io | squall / socket.io | target |');
w('|---|---|---|---|---|');
w(`| one worker, beyond backoff p50 (ms, n=${acc.sq1.length}/${acc.sio1.length}) | ${s1.p50} | ${i1.p50} | ${ratio(s1.p50, i1.p50)} | <= 0.8 |`);
w(`| one worker, beyond backoff p99 (ms) | ${s1.p99} | ${i1.p99} | ${ratio(s1.p99, i1.p99)} | within 2 ms of floor: ${(s1.p99 - median(acc.floor)).toFixed(2)} ms over |`);
w(`| ${FLEET} healed at once: heal → all back (ms, median of ${acc.sqN.length}) | ${median(acc.sqN).toFixed(0)} | ${median(acc.sioN).toFixed(0)} | ${ratio(median(acc.sqN), median(acc.sioN))} | <= 0.8 |`);
w(`| ${FLEET}: server event-loop lag p99 over the cell (ms, median of rounds) | ${median(acc.sqLag).toFixed(1)} | ${median(acc.sioLag).toFixed(1)} | ${ratio(median(acc.sqLag), median(acc.sioLag))} | squall < 20 |`);
