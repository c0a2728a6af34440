/**
 * Attacks on the /ws handshake over real sockets, through a relay that knows
 * no secret (mitm-relay.ts):
 * - signing downgrade: the relay flips the welcome's signMessages to false,
 *   re-encodes frames without signatures and injects work once the worker
 *   thinks it is registered. Protocol v2 binds the welcome's parameters into
 *   both MACs, so the coordinator rejects the register (4401) and the worker
 *   never gets a `registered` it can verify: nothing runs.
 * - signature stripping / frame injection on a signing session: 4402.
 * - old protocol versions on either side: a clear 4426, a v2 worker stops.
 * Failing before the fix: v1 had no welcome binding and no coordinator
 * proof; with welcomeTranscript() made to skip signMessages (a production
 * mutant, see the report) the downgrade test runs the injected task.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { systemClock } from '../../system/core/clock.js';
import { realCpu } from '../../system/core/cpu.js';
import type { SystemEvent } from '../../system/core/events.js';
import { silentLogger } from '../../system/core/logger.js';
import { cryptoRandom } from '../../system/core/random.js';
import { createCoordinator, type Coordinator } from '../../system/coordinator/index.js';
import { CloseCode, encode, type AnyMessage } from '../../system/protocol/index.js';
import { openStore } from '../../system/store/index.js';
import { builtinTaskKinds } from '../../system/tasks/registry.js';
import { wsTransport } from '../../system/transport/index.js';
import { Worker } from '../../system/worker/worker.js';
import { FAST_COORDINATOR, waitFor } from '../integration/helpers.js';
import { MitmRelay, type Rewrite } from './mitm-relay.js';

const SECRET = 'mitm-test-secret-0123456789';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function coordinator(events: SystemEvent[]): Promise<Coordinator> {
  const c = await createCoordinator(
    { transport: wsTransport(), clock: systemClock, random: cryptoRandom, logger: silentLogger, events: { emit: (e) => events.push(e) }, store: openStore({ kind: 'memory' }), taskKinds: builtinTaskKinds() },
    { ...FAST_COORDINATOR, secret: SECRET, signMessages: true },
  );
  cleanups.push(() => c.close());
  return c;
}

function worker(url: string, events: SystemEvent[]): Worker {
  const w = new Worker(
    { transport: wsTransport(), clock: systemClock, random: cryptoRandom, logger: silentLogger, events: { emit: (e) => events.push(e) }, cpu: realCpu, taskKinds: builtinTaskKinds() },
    { id: 'victim', coordinatorUrl: url, secret: SECRET, heartbeatMs: 100, backoff: { strategy: 'none', initialMs: 20, maxMs: 50 } },
  );
  cleanups.push(() => w.stop({ drain: false }));
  w.start();
  return w;
}

/** Re-encodes a frame as the relay wants it: fields changed, signature dropped, a fresh crc. */
function reencode(frame: string, change: Record<string, unknown> = {}): string {
  const { sig: _sig, crc: _crc, ...rest } = JSON.parse(frame) as Record<string, unknown>;
  return encode({ ...rest, ...change } as unknown as AnyMessage);
}

const injected = [
  encode({ v: 2, type: 'sync_result', seq: 1, confirm: [], revoke: [] }),
  encode({ v: 2, type: 'assign', seq: 2, executionId: 'ex_injected', attempt: 1, leaseToken: 'ls_x', kind: 'echo', params: { value: 'pwned' } }),
];

describe('man in the middle on /ws', () => {
  it('cannot downgrade signing: the coordinator rejects the register (4401) and the worker runs nothing', async () => {
    const cEvents: SystemEvent[] = [];
    const wEvents: SystemEvent[] = [];
    const c = await coordinator(cEvents);
    const downgrade: Rewrite = (frame) => {
      const type = (JSON.parse(frame) as { type: string }).type;
      if (type === 'welcome') return [reencode(frame, { signMessages: false })];
      if (type === 'registered') return [reencode(frame), ...injected];
      return []; // signed frames would give the relay away
    };
    const relay = await MitmRelay.start(`${c.url}/ws`, { fromCoordinator: downgrade, fromWorker: (f) => (f.includes('"type":"register"') ? [f] : []) });
    cleanups.push(() => relay.close());
    worker(relay.url, wEvents);
    await waitFor(() => cEvents.filter((e) => e.type === 'auth_failed').length >= 3, 'three rejected registrations');
    expect(cEvents.filter((e) => e.type === 'worker_registered')).toEqual([]);
    expect(wEvents.filter((e) => e.type === 'connected' || e.type === 'task_started')).toEqual([]);
    expect(wEvents.filter((e) => e.type === 'disconnected').every((e) => e.type === 'disconnected' && e.code === CloseCode.AuthFailed)).toBe(true);
  });

  it('cannot strip signatures or inject frames on a signing session (4402), nothing injected runs', async () => {
    const cEvents: SystemEvent[] = [];
    const wEvents: SystemEvent[] = [];
    const c = await coordinator(cEvents);
    const inject: Rewrite = (frame) => {
      const type = (JSON.parse(frame) as { type: string }).type;
      if (type === 'registered') return [frame, injected[1] as string];
      if (type === 'welcome') return [frame];
      return [reencode(frame)];
    };
    const relay = await MitmRelay.start(`${c.url}/ws`, { fromCoordinator: inject });
    cleanups.push(() => relay.close());
    worker(relay.url, wEvents);
    await waitFor(() => wEvents.filter((e) => e.type === 'disconnected').length >= 3, 'three dropped links');
    expect(wEvents.filter((e) => e.type === 'task_started')).toEqual([]);
    expect(wEvents.filter((e) => e.type === 'disconnected').every((e) => e.type === 'disconnected' && e.code === CloseCode.BadSignature)).toBe(true);
  });

  it('an untouched relay changes nothing (the attacks above are what fails, not the relay)', async () => {
    const wEvents: SystemEvent[] = [];
    const c = await coordinator([]);
    const relay = await MitmRelay.start(`${c.url}/ws`, {});
    cleanups.push(() => relay.close());
    worker(relay.url, wEvents);
    await waitFor(() => wEvents.some((e) => e.type === 'connected'), 'registered through the relay');
    const r = await c.engine.scheduleTask({ kind: 'echo', params: { value: 1 } });
    await waitFor(() => c.engine.getExecution(r.executionId)?.status === 'completed', 'echo completed');
  });
});

describe('old protocol versions get a clear refusal', () => {
  it('a version 1 worker is closed with 4426 and told which versions are supported', async () => {
    const c = await coordinator([]);
    const ws = new WebSocket(`${c.url}/ws`);
    cleanups.push(() => ws.terminate());
    const got: string[] = [];
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('message', (d) => {
      got.push(String(d));
      if (got.length === 1) ws.send(encode({ v: 1, type: 'register', protocolVersion: 1, workerId: 'old', capabilities: { kinds: ['echo'], concurrency: 1 } } as unknown as AnyMessage));
    });
    expect(await closed).toBe(CloseCode.UnsupportedVersion);
    expect(got.some((f) => f.includes('unsupported_version') && f.includes('supported: 2'))).toBe(true);
  });

  it('a version 2 worker stops (does not retry) against a version 1 coordinator, saying so', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    const port = (wss.address() as { port: number }).port;
    wss.on('connection', (s) =>
      s.send(encode({ v: 1, type: 'welcome', serverVersion: 'old', protocolVersions: [1], nonce: 'n'.repeat(32), authRequired: true, signMessages: false, heartbeatMs: 1000, heartbeatTimeoutMs: 3000, maxFrameBytes: 1 << 20 } as unknown as AnyMessage)),
    );
    const w = worker(`ws://127.0.0.1:${port}`, []);
    await waitFor(() => w.state === 'stopped', 'worker stopped');
    expect(w.stats().fatalError?.code).toBe(CloseCode.UnsupportedVersion);
    expect(w.stats().fatalError?.message).toMatch(/protocol version/);
  });
});
