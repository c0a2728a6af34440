import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { systemClock } from '../core/clock.js';
import type { SystemEvent } from '../core/events.js';
import { silentLogger } from '../core/logger.js';
import { cryptoRandom } from '../core/random.js';
import { encode } from '../protocol/codec.js';
import { registrationMac, sessionSigningKey } from '../protocol/handshake.js';
import { PROTOCOL_VERSION, type Register, type Welcome } from '../protocol/messages.js';
import { defineTaskKind, type TaskKind } from '../tasks/kind.js';
import { wsTransport } from '../transport/index.js';
import type { CoordinatorConfig } from './config.js';
import { startCoordinator, type Coordinator } from './coordinator.js';
import { FakeEngine } from './testing.js';

type Msg = Record<string, unknown> & { type: string };

const sleepKind = defineTaskKind({
  name: 'sleep',
  params: z.object({ durationMs: z.number().int().nonnegative() }),
  run: async () => null,
});
const kinds = new Map<string, TaskKind<unknown>>([['sleep', sleepKind as TaskKind<unknown>]]);

const running: Coordinator[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await Promise.all(running.splice(0).map((c) => c.close()));
});

async function start(config: CoordinatorConfig = {}): Promise<{ c: Coordinator; engine: FakeEngine; events: SystemEvent[] }> {
  const engine = new FakeEngine();
  const events: SystemEvent[] = [];
  const c = await startCoordinator(
    { transport: wsTransport(), clock: systemClock, random: cryptoRandom, logger: silentLogger, events: { emit: (e) => events.push(e) }, store: undefined as never, taskKinds: kinds },
    { port: 0, heartbeatMs: 100, heartbeatTimeoutMs: 1000, ...config },
    async () => engine,
  );
  running.push(c);
  return { c, engine, events };
}

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick(5);
  }
}

/** A protocol client speaking raw frames, to poke the coordinator's edge. */
class Raw {
  readonly msgs: Msg[] = [];
  closed: { code: number; reason: string } | undefined;
  answerPings = true;
  signKey: string | undefined;
  private seq = 0;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as Msg;
      this.msgs.push(m);
      if (m.type === 'ping' && this.answerPings) this.send({ type: 'pong', id: m.id, t: m.t });
    });
    ws.on('close', (code, reason) => (this.closed = { code, reason: String(reason) }));
    ws.on('error', () => {});
  }
  static async open(c: Coordinator): Promise<Raw> {
    const ws = new WebSocket(`${c.url}/ws`);
    sockets.push(ws);
    const raw = new Raw(ws);
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    await until(() => raw.of('welcome').length === 1, 'welcome');
    return raw;
  }
  get nonce(): string {
    return this.of('welcome')[0]?.nonce as string;
  }
  get welcome(): Welcome {
    return this.of('welcome')[0] as unknown as Welcome;
  }
  readonly clientNonce = 'c'.repeat(32);
  /** The register body this client sends (what the MAC covers). */
  registerBody(workerId: string, extra: Record<string, unknown> = {}): Register {
    return { v: PROTOCOL_VERSION, type: 'register', protocolVersion: PROTOCOL_VERSION, workerId, clientNonce: this.clientNonce, capabilities: { kinds: ['sleep'], concurrency: 2 }, ...extra } as Register;
  }
  /** The worker's MAC for this connection's welcome under `secret`. */
  mac(secret: string, workerId: string, welcome: Welcome = this.welcome): { auth: { mac: string } } {
    return { auth: { mac: registrationMac(secret, welcome, this.registerBody(workerId)) } };
  }
  of(type: string): Msg[] {
    return this.msgs.filter((m) => m.type === type);
  }
  sendRaw(frame: string): void {
    this.ws.send(frame);
  }
  send(m: Record<string, unknown>): void {
    this.ws.send(encode({ v: PROTOCOL_VERSION, ...m } as never, this.signKey));
  }
  reliable(m: Record<string, unknown>, seq?: number): number {
    const s = seq ?? ++this.seq;
    this.send({ ...m, seq: s });
    return s;
  }
  register(workerId: string, extra: Record<string, unknown> = {}): void {
    const { v: _v, ...body } = this.registerBody(workerId, extra);
    this.send(body);
  }
  async registered(workerId: string, extra: Record<string, unknown> = {}): Promise<Msg> {
    this.register(workerId, extra);
    await until(() => this.of('registered').length === 1, 'registered');
    return this.of('registered')[0] as Msg;
  }
  async closedWith(): Promise<number> {
    await until(() => this.closed !== undefined, 'close');
    return this.closed?.code ?? 0;
  }
  /** Highest ack the coordinator sent. */
  get acked(): number {
    return Math.max(0, ...this.msgs.map((m) => (typeof m.ack === 'number' ? m.ack : 0)));
  }
}

describe('coordinator connection edge', () => {
  it('welcomes with a fresh nonce and the server parameters', async () => {
    const { c } = await start({ secret: 's3cret', maxFrameBytes: 4096 });
    const a = await Raw.open(c);
    const b = await Raw.open(c);
    const w = a.of('welcome')[0] as Msg;
    expect(w).toMatchObject({ v: 2, authRequired: true, signMessages: false, heartbeatMs: 100, heartbeatTimeoutMs: 1000, maxFrameBytes: 4096, protocolVersions: [2], compression: true });
    expect(a.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(a.nonce).not.toBe(b.nonce);
  });

  it.each([
    ['garbage', (r: Raw) => r.sendRaw('{{{ not json'), 4400, 'malformed'],
    ['unknown type', (r: Raw) => r.send({ type: 'explode' }), 4404, 'unknown_type'],
    ['wrong version', (r: Raw) => r.sendRaw(JSON.stringify({ v: 99, type: 'register' })), 4426, 'unsupported_version'],
    ['oversized', (r: Raw) => r.send({ type: 'ping', id: 1, t: 1, pad: 'x'.repeat(5000) }), 4413, 'too_large'],
    ['message before register', (r: Raw) => r.send({ type: 'ping', id: 1, t: 1 }), 4405, 'unexpected_message'],
    ['schema violation', (r: Raw) => r.send({ type: 'register', protocolVersion: 2, clientNonce: 'c'.repeat(32), workerId: '', capabilities: { kinds: [], concurrency: 1 } }), 4400, 'malformed'],
  ])('%s gets an error message and close %i, while another worker keeps working', async (_name, poke, code, errCode) => {
    const { c, engine } = await start({ maxFrameBytes: 4096 });
    const good = await Raw.open(c);
    await good.registered('good');
    const bad = await Raw.open(c);
    poke(bad);
    expect(await bad.closedWith()).toBe(code);
    expect(bad.of('error')[0]?.code).toBe(errCode);
    engine.add('ex_after');
    await until(() => good.of('assign').length === 1, 'assignment to the good worker');
    expect(good.closed).toBeUndefined();
    expect(c.workers().find((w) => w.id === 'good')?.state).toBe('connected');
  });

  it('a binary frame is refused by the transport with close 1003 (text frames only), while another worker keeps working', async () => {
    const { c, engine } = await start();
    const good = await Raw.open(c);
    await good.registered('good');
    const bad = await Raw.open(c);
    bad.ws.send(Buffer.from([0xff, 0x00, 0x13]), { binary: true });
    expect(await bad.closedWith()).toBe(1003);
    engine.add('ex_after');
    await until(() => good.of('assign').length === 1, 'assignment to the good worker');
    expect(good.closed).toBeUndefined();
  });

  it('rejects a second register on the same connection with 4405', async () => {
    const { c } = await start();
    const r = await Raw.open(c);
    await r.registered('w1');
    r.register('w1');
    expect(await r.closedWith()).toBe(4405);
  });

  it('closes with 4429 when no register arrives in time (even if that is longer than the heartbeat timeout)', async () => {
    const { c } = await start({ registerTimeoutMs: 300, heartbeatMs: 20, heartbeatTimeoutMs: 100 });
    const r = await Raw.open(c);
    expect(await r.closedWith()).toBe(4429);
  });

  it('requires the HMAC proof when a secret is set, and the nonce cannot be replayed', async () => {
    const { c, events } = await start({ secret: 'right' });
    const wrong = await Raw.open(c);
    wrong.register('w1', wrong.mac('wrong', 'w1'));
    expect(await wrong.closedWith()).toBe(4401);
    const missing = await Raw.open(c);
    missing.register('w1');
    expect(await missing.closedWith()).toBe(4401);
    const first = await Raw.open(c);
    const captured = first.mac('right', 'w1').auth.mac;
    const replay = await Raw.open(c);
    replay.register('w1', { auth: { mac: captured } });
    expect(await replay.closedWith()).toBe(4401);
    expect(events.filter((e) => e.type === 'auth_failed')).toHaveLength(3);
    expect(c.workers()).toHaveLength(0);
    await first.registered('w1', { auth: { mac: captured } });
    expect(c.workers()[0]?.state).toBe('connected');
  });

  it('verifies message signatures after registration and signs its own', async () => {
    const { c, engine } = await start({ secret: 'k', signMessages: true });
    const r = await Raw.open(c);
    await r.registered('w1', r.mac('k', 'w1'));
    expect(typeof r.of('registered')[0]?.sig).toBe('string');
    r.signKey = sessionSigningKey('k', r.nonce, r.clientNonce);
    engine.add('ex_1');
    await until(() => r.of('assign').length === 1, 'signed assign');
    r.reliable({ type: 'started', executionId: 'ex_1', attempt: 1, leaseToken: r.of('assign')[0]?.leaseToken });
    await until(() => engine.count('onStarted') === 1, 'signed started accepted');
    r.signKey = undefined;
    r.reliable({ type: 'drain' });
    expect(await r.closedWith()).toBe(4402);
  });
});

describe('a connection closed for a bad signature', () => {
  it('stops counting as connected at once, before its close arrives, so no pass claims for it', async () => {
    const { c, events } = await start({ secret: 'k', signMessages: true });
    const r = await Raw.open(c);
    await r.registered('w1', r.mac('k', 'w1'));
    // What the registry says right after the frame was refused (a microtask: before any close event can arrive).
    let stateAfterRefusal: string | undefined;
    const sink = events.push.bind(events);
    events.push = (...es) => {
      if (es.some((e) => e.type === 'protocol_error')) queueMicrotask(() => (stateAfterRefusal = c.workers()[0]?.state));
      return sink(...es);
    };
    r.reliable({ type: 'drain' }); // unsigned on a signing session
    expect(await r.closedWith()).toBe(4402);
    expect(stateAfterRefusal).toBe('disconnected');
    expect(events.filter((e) => e.type === 'worker_disconnected')).toEqual([expect.objectContaining({ workerId: 'w1', code: 4402 })]);
  });
});

describe('coordinator sessions and identity', () => {
  it('a second connection with the same id replaces the first (4409); the old close does not remove the new one', async () => {
    const { c, events } = await start();
    const first = await Raw.open(c);
    await first.registered('dup');
    const second = await Raw.open(c);
    await second.registered('dup');
    expect(await first.closedWith()).toBe(4409);
    expect(first.of('error')[0]?.code).toBe('replaced');
    await tick(30);
    const [w] = c.workers();
    expect(c.workers()).toHaveLength(1);
    expect(w?.state).toBe('connected');
    expect(w?.reconnects).toBe(1);
    expect(events.filter((e) => e.type === 'worker_replaced')).toHaveLength(1);
    expect(second.closed).toBeUndefined();
  });

  it('acks a worker message only after the engine committed it, in seq order, and drops duplicates', async () => {
    const { c, engine } = await start();
    const r = await Raw.open(c);
    await r.registered('w1');
    engine.holdCommits = true;
    const s1 = r.reliable({ type: 'started', executionId: 'ex_a', attempt: 1, leaseToken: 'ls_a' });
    const s2 = r.reliable({ type: 'started', executionId: 'ex_b', attempt: 1, leaseToken: 'ls_b' });
    r.reliable({ type: 'started', executionId: 'ex_b', attempt: 1, leaseToken: 'ls_b' }, s2); // re-send
    await until(() => engine.held.length === 2, 'two commits pending');
    engine.held[1]?.resolve();
    await tick(40);
    expect(r.acked).toBe(0); // seq 2 committed, seq 1 not: the cumulative ack cannot move
    engine.held[0]?.resolve();
    await until(() => r.acked === s2, 'ack of both');
    expect(s1).toBe(1);
    expect(engine.count('onStarted')).toBe(2);
  });

  it('sends assignments only after the claim committed, fills each worker to its concurrency, refills on results', async () => {
    const { c, engine } = await start();
    const a = await Raw.open(c);
    await a.registered('a');
    const b = await Raw.open(c);
    await b.registered('b');
    engine.holdCommits = true;
    for (let i = 1; i <= 5; i++) engine.add(`ex_${i}`);
    await until(() => engine.held.length === 4, 'four claims');
    await tick(20);
    expect(a.of('assign').length + b.of('assign').length).toBe(0);
    engine.holdCommits = false;
    for (const d of engine.held.splice(0)) d.resolve();
    await until(() => a.of('assign').length + b.of('assign').length === 4, 'four assigns');
    expect(a.of('assign')).toHaveLength(2);
    expect(b.of('assign')).toHaveLength(2);
    const done = a.of('assign')[0] as Msg;
    a.reliable({ type: 'result', executionId: done.executionId, attempt: 1, leaseToken: done.leaseToken, outcome: 'completed', result: 1, durationMs: 3 });
    await until(() => a.of('assign').length === 3, 'the fifth task goes to the worker with free capacity');
    expect(engine.ready).toHaveLength(0);
  });

  it('resumes a session: re-sends unacked assignments above lastSeq, counts one reconnect and its duration', async () => {
    const { c, engine } = await start();
    const r1 = await Raw.open(c);
    const reg = await r1.registered('w1');
    engine.add('ex_1');
    await until(() => r1.of('assign').length === 1, 'assign');
    r1.ws.terminate();
    await until(() => c.workers()[0]?.state === 'disconnected', 'disconnected');
    engine.add('ex_2'); // claimed while away? no: only connected workers get claims
    const r2 = await Raw.open(c);
    const again = await r2.registered('w1', { resume: { sessionId: reg.sessionId, lastSeq: 0 } });
    expect(again).toMatchObject({ resumed: true, sessionId: reg.sessionId, lastSeq: 0 });
    await until(() => r2.of('assign').length === 2, 're-sent and new assignment');
    expect(r2.of('assign').map((m) => m.executionId)).toEqual(['ex_1', 'ex_2']);
    expect(r2.of('assign')[0]?.seq).toBe(1);
    // the sync counts the re-sent assignment as held: it is confirmed, not re-queued
    r2.reliable({ type: 'sync', tasks: [] });
    await until(() => r2.of('sync_result').length === 1, 'sync_result');
    expect(r2.of('sync_result')[0]?.confirm).toEqual(['ex_1', 'ex_2']);
    expect(c.workers()[0]?.reconnects).toBe(1);
    const text = (await c.metrics.text()).body;
    expect(text).toMatch(/squall_reconnects_total 1\b/);
    expect(text).toMatch(/squall_reconnect_duration_seconds_count 1\b/);
  });

  it('counts a claim still committing as held when the worker syncs', async () => {
    const { c, engine } = await start();
    const r = await Raw.open(c);
    await r.registered('w1');
    engine.holdCommits = true;
    engine.add('ex_slow');
    await until(() => engine.held.length === 1, 'claim committing');
    engine.holdCommits = false;
    r.reliable({ type: 'sync', tasks: [] });
    await until(() => r.of('sync_result').length === 1, 'sync_result');
    expect(r.of('sync_result')[0]?.confirm).toEqual(['ex_slow']);
    engine.held[0]?.resolve();
    await until(() => r.of('assign').length === 1, 'assign after commit');
  });

  it('starts a new session when the resume token is unknown', async () => {
    const { c } = await start();
    const r = await Raw.open(c);
    const reg = await r.registered('w1', { resume: { sessionId: 'ss_gone', lastSeq: 7 } });
    expect(reg).toMatchObject({ resumed: false, lastSeq: 0 });
  });

  it('sends engine aborts as reliable messages, queued across a disconnect', async () => {
    const { c, engine } = await start();
    const r1 = await Raw.open(c);
    const reg = await r1.registered('w1');
    r1.ws.terminate();
    await until(() => c.workers()[0]?.state === 'disconnected', 'disconnected');
    engine.dispatcher?.abort('w1' as never, 'ex_9' as never, 'ls_9' as never, 'cancel');
    const r2 = await Raw.open(c);
    await r2.registered('w1', { resume: { sessionId: reg.sessionId, lastSeq: 0 } });
    await until(() => r2.of('abort').length === 1, 'abort after resume');
    expect(r2.of('abort')[0]).toMatchObject({ executionId: 'ex_9', leaseToken: 'ls_9', reason: 'cancel', seq: 1 });
  });

  it('answers pings, drops a silent connection after the heartbeat timeout, marks the worker lost after leaseMs', async () => {
    const { c, events } = await start({ heartbeatMs: 20, heartbeatTimeoutMs: 100, leaseMs: 150 });
    const r = await Raw.open(c);
    await r.registered('quiet');
    r.send({ type: 'ping', id: 7, t: 123 });
    await until(() => r.of('pong').length === 1, 'pong');
    expect(r.of('pong')[0]).toMatchObject({ id: 7, t: 123 });
    r.answerPings = false;
    expect(await r.closedWith()).toBe(1006);
    expect(events.some((e) => e.type === 'heartbeat_timeout')).toBe(true);
    await until(() => c.workers()[0]?.state === 'lost', 'lost');
    expect(events.filter((e) => e.type === 'worker_lost')).toHaveLength(1);
  });

  it('stops assigning to a draining worker', async () => {
    const { c, engine } = await start();
    const r = await Raw.open(c);
    await r.registered('w1');
    r.reliable({ type: 'drain' });
    await until(() => r.acked === 1, 'drain acked');
    engine.add('ex_1');
    await tick(40);
    expect(r.of('assign')).toHaveLength(0);
    expect(c.workers()[0]?.draining).toBe(true);
  });
});
