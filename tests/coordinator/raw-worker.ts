/**
 * Test helpers for the coordinator's own tests (coordinator-edge.test.ts,
 * coordinator-sessions.test.ts): a real coordinator on a FakeEngine, and Raw, a
 * protocol client speaking raw frames over a real socket to poke its edge.
 * Like a test, it uses real sockets and timers, so it lives under tests/, not
 * system/ (whose logic keeps to the Clock and Random seams).
 */
import { WebSocket } from 'ws';
import { z } from 'zod';
import { systemClock } from '../../system/core/clock.js';
import type { SystemEvent } from '../../system/core/events.js';
import { silentLogger } from '../../system/core/logger.js';
import { cryptoRandom } from '../../system/core/random.js';
import { encode } from '../../system/protocol/codec.js';
import { registrationMac } from '../../system/protocol/handshake.js';
import { PROTOCOL_VERSION, Welcome, type Register } from '../../system/protocol/messages.js';
import { defineTaskKind, type TaskKind } from '../../system/tasks/kind.js';
import { wsTransport } from '../../system/transport/index.js';
import type { CoordinatorConfig } from '../../system/coordinator/config.js';
import { startCoordinator, type Coordinator } from '../../system/coordinator/coordinator.js';
import { FakeEngine } from '../../system/coordinator/testing.js';

export type Msg = Record<string, unknown> & { type: string };

const sleepKind = defineTaskKind({
  name: 'sleep',
  params: z.object({ durationMs: z.number().int().nonnegative() }),
  run: async () => null,
});
const kinds = new Map<string, TaskKind<unknown>>([['sleep', sleepKind as TaskKind<unknown>]]);

const running: Coordinator[] = [];
const sockets: WebSocket[] = [];
/** Closes every socket and coordinator this file's helpers opened (each test file's afterEach). */
export async function closeAll(): Promise<void> {
  for (const s of sockets.splice(0)) s.terminate();
  await Promise.all(running.splice(0).map((c) => c.close()));
}

export async function start(config: CoordinatorConfig = {}): Promise<{ c: Coordinator; engine: FakeEngine; events: SystemEvent[] }> {
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

export const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick(5);
  }
}

/** A protocol client speaking raw frames, to poke the coordinator's edge. */
export class Raw {
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
    return Welcome.parse(this.of('welcome')[0]);
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
