/**
 * Issue 13's trace of one worker's reconnect, step by step: where the time
 * between "the backoff timer fired" and "registered and synced" goes. A
 * coordinator child (the compiled system, as `bench:reconnect` runs it) behind
 * the fault proxy; one worker in this process over the production ws
 * transport, wrapped (through the Transport seam) to stamp each step:
 * connect called → socket open (TCP + HTTP upgrade through the proxy) →
 * welcome in → register out → registered in → sync_result in → `synced`
 * (with the 0-RTT register no register goes out: welcome and registered come in one read),
 * and how long the worker's own handling of welcome and registered takes.
 * Beside it, a bare `ws` connect through the same proxy after the same idle
 * gap (what the TCP + upgrade part costs when nothing of squall runs).
 * CUTS cuts (default 60) of DOWN_MS (50), backoff 10..100 ms full jitter.
 * `npm run bench:reconnect:steps`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CoordinatorProcess } from '../harness/live/coordinator-process.js';
import { startRunProxy } from '../harness/live/proxy-host-process.js';
import { delay, monoNow } from '../harness/proc/index.js';
import { connectFaultProxy } from '../harness/proxy/client.js';
import { cryptoRandom, realCpu, silentLogger, systemClock, type Connection, type ConnectOptions, type EventSink, type Transport } from '../system/core/index.js';
import { builtinTaskKinds } from '../system/tasks/index.js';
import { wsTransport } from '../system/transport/index.js';
import { Worker } from '../system/worker/index.js';
import { hdrSummary } from './lib/histogram.js';

const CUTS = Number(process.env.CUTS ?? 60);
const DOWN_MS = Number(process.env.DOWN_MS ?? 50);
type Stamps = Record<string, number>;
const typeOf = (frame: string): string | undefined => /"type":"(\w+)"/.exec(frame)?.[1];

/** The production transport, stamping the current attempt's steps into `cur()`. */
function stampingTransport(cur: () => Stamps, begin: () => void): Transport {
  const base = wsTransport();
  const once = (s: Stamps, k: string): boolean => (s[k] === undefined ? ((s[k] = monoNow()), true) : false);
  return {
    ...base,
    connect: async (url: string, opts: ConnectOptions): Promise<Connection> => {
      begin();
      const c = await base.connect(url, opts);
      cur().open = monoNow();
      const send = c.send.bind(c);
      const attach = c.attach.bind(c);
      c.send = (f) => (once(cur(), `out:${typeOf(f) ?? '?'}`), send(f));
      c.attach = (h) =>
        attach({
          onMessage: (f) => {
            const s = cur();
            const first = once(s, `in:${typeOf(f) ?? '?'}`);
            h.onMessage(f);
            if (first) s[`done:${typeOf(f) ?? '?'}`] = monoNow();
          },
          onClose: (code, reason) => h.onClose(code, reason),
        });
      return c;
    },
  };
}

/** One bare ws connect + upgrade (no compression, like the floor), ms. */
function bareConnect(url: string): Promise<number> {
  const t = monoNow();
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => (resolve(monoNow() - t), ws.terminate()));
    ws.once('error', reject);
  });
}

const dir = mkdtempSync(join(tmpdir(), 'reconnect-steps-'));
const proxyHost = await startRunProxy(1);
const proxy = await connectFaultProxy({ url: proxyHost.url });
const coordinator = new CoordinatorProcess({ dataDir: join(dir, 'data'), heartbeatMs: 1000, leaseMs: 15_000 });
const rows: Stamps[] = [];
const bare: number[] = [];
try {
  await coordinator.start();
  const listen = (await proxy.createProxy('steps', coordinator.address)).listen;
  let cur: Stamps = {};
  let synced = 0;
  const events: EventSink = { emit: (e) => void (e.type === 'synced' && ((cur.synced = monoNow()), rows.push(cur), (synced += 1))) };
  const transport = stampingTransport(() => cur, () => void (cur = { attempt: monoNow() }));
  const worker = new Worker({ transport, clock: systemClock, random: cryptoRandom, logger: silentLogger, events, cpu: realCpu, taskKinds: builtinTaskKinds() }, { id: 'steps-1', coordinatorUrl: `ws://${listen}`, backoff: { strategy: 'full-jitter', initialMs: 10, maxMs: 100 }, heartbeatMs: 1000 });
  worker.start();
  while (synced < 1) await delay(10);
  for (let k = 0; k < CUTS; k++) {
    await delay(150);
    await proxy.setEnabled('steps', false);
    await delay(DOWN_MS);
    const before = synced;
    await proxy.setEnabled('steps', true);
    while (synced === before) await delay(5);
    await delay(100 + (k % 5) * 10);
    bare.push(await bareConnect(`ws://${listen}/ws`));
  }
  await worker.stop({ drain: false });
} finally {
  await coordinator.stop().catch(() => undefined);
  await proxy.close().catch(() => undefined);
  await proxyHost.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
const steps: [string, string, string][] = [
  ['connect called → socket open (TCP + upgrade via proxy)', 'attempt', 'open'],
  ['socket open → welcome in', 'open', 'in:welcome'],
  ['welcome in → register out (worker)', 'in:welcome', 'out:register'],
  ['register out → registered in (round trip + coordinator)', 'out:register', 'in:registered'],
  ['welcome in → registered in (0-RTT register: the same read)', 'in:welcome', 'in:registered'],
  ['registered in → sync_result in (worker handles registered)', 'in:registered', 'in:sync_result'],
  ['sync_result in → synced', 'in:sync_result', 'synced'],
  ['worker: handling welcome', 'in:welcome', 'done:welcome'],
  ['worker: handling registered', 'in:registered', 'done:registered'],
  ['connect called → synced', 'attempt', 'synced'],
];
const w = (l: string): void => void process.stdout.write(`${l}\n`);
w(`one worker, ${rows.length - 1} reconnects (first registration left out), cut ${DOWN_MS} ms; ms`);
w('| step | p50 | p90 | p99 | max |');
w('|---|---:|---:|---:|---:|');
for (const [name, from, to] of steps) {
  const s = hdrSummary(rows.slice(1).flatMap((r) => (r[from] === undefined || r[to] === undefined ? [] : [Math.max(0, (r[to] ?? 0) - (r[from] ?? 0))])));
  w(`| ${name} | ${s.p50} | ${s.p90} | ${s.p99} | ${s.max} |`);
}
const b = hdrSummary(bare);
w(`| bare ws connect + upgrade via the proxy, 100-140 ms after the last (n=${bare.length}) | ${b.p50} | ${b.p90} | ${b.p99} | ${b.max} |`);
