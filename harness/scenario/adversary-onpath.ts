/**
 * On-path adversaries (scenario `adversaries`, attacks listed in
 * harness/scenario/adversary.ts): an attacker that can write into a worker's
 * live stream, rewrite frames in flight and answer a worker's connects in
 * the coordinator's place, without the secret:
 *   injected-crc          a `completed` result for the victim's lease with a crc trailer and no
 *                         signature, injected into the victim's live signing session
 *   injected-ack          an unsigned `ack` of a huge seq injected into that session (releases
 *                         everything the coordinator has not had acknowledged, if acted on)
 *   edited-welcome        resets the victim's connection and edits one parameter of the next
 *                         welcome it is sent (EDITED_WELCOME_FIELDS in turn; the crc recomputed):
 *                         the registration must fail (4401: the MAC covers the welcome as sent)
 *   replayed-frame        copies the newest reliable frame the victim sends on its live signing
 *                         connection and, once the coordinator has committed it (no newer frame
 *                         for a while), writes it into that connection again verbatim: a valid
 *                         signature, a seq already committed; the coordinator must drop it as a
 *                         duplicate (promise 11 delivery: handed to its logic once). Then the
 *                         same the other way: the newest reliable frame the coordinator
 *                         sent the victim (an assign, abort or sync_result, the latest seq it
 *                         handled), written into the victim's inbound stream again; the worker
 *                         must drop it as well
 *   impostor-coordinator  resets the victim's connection and answers its reconnect from host
 *                         `adversary`: welcome, `registered {resumed: true}` with a forged proof (every other one: none),
 *                         and an assign; the worker must close 4403 and start nothing
 * Each attempt is recorded as an `adversary` note before it takes effect
 * ({attack, victim, connection?, withinMs?, executionId?, field?}; an
 * injection must be refused within withinMs, before the next attack) and the attack's
 * span as a fault on the victim (a reset or an injection is weather for the
 * other promises), for promise 8 (harness/check/promises-adversary.ts).
 */
import { hmacHex, type Connection, type MsgDir } from '../../system/core/index.js';
import { decodeToCoordinator, decodeToWorker, encode, PROTOCOL_VERSION, type AnyMessage, type Welcome } from '../../system/protocol/index.js';
import type { HistoryRecorder } from '../check/history.js';
import type { Simulation } from '../sim/index.js';
import { listenAsCoordinator } from './impostor-listener.js';
import { everyExecution } from './engine-reads.js';
import type { Endpoint } from '../sim/connection.js';
import { editedValue } from './adversary-register.js';

/** Welcome parameters the edited-welcome attack changes, one per attempt, in this order. */
const EDITED_WELCOME_FIELDS = ['signMessages', 'compression', 'heartbeatMs', 'heartbeatTimeoutMs', 'maxFrameBytes', 'nonce', 'serverVersion', 'authRequired'] as const;
/** How long (simulated) an injection waits for the coordinator's answer. */
const ANSWER_WAIT_MS = 500;
/** How long the replay waits for the victim to send a reliable frame. */
const CAPTURE_WAIT_MS = 1500;
/** A captured frame with no newer one for this long is taken as committed (commits take a few ms here). */
const SETTLE_MS = 100;
/** How long a reset-and-answer attack waits for the victim to reconnect and decide. */
const RECONNECT_WAIT_MS = 3000;

type Frame = { text: string; seq: number; type: string }; // a reliable frame as it travelled, with its seq and type

export type OnPathAttack = 'injected-crc' | 'injected-ack' | 'replayed-frame' | 'edited-welcome' | 'impostor-coordinator';

/** The on-path attacks of one adversarial client (state across its rounds). */
export class OnPathAdversary {
  private faults = 0;
  private edits = 0;
  private impostors = 0;
  /** Victims whose inbound frames are watched, and the newest reliable frame each was sent (see watch()). */
  private readonly watched = new Set<string>();
  private readonly toVictim = new Map<string, Frame & { conn: string; at: number }>();

  constructor(
    private readonly sim: Simulation,
    private readonly recorder: HistoryRecorder,
    /** A genuine welcome to copy (the adversary connects to the coordinator for one). */
    private readonly welcomeTemplate: () => Promise<Welcome | undefined>,
  ) {}

  async attack(attack: OnPathAttack, victim: string): Promise<void> {
    this.watch(victim);
    switch (attack) {
      case 'injected-crc':
      case 'injected-ack':
        return this.inject(attack, victim);
      case 'replayed-frame':
        return this.replay(victim);
      case 'edited-welcome':
        return this.editWelcome(victim);
      case 'impostor-coordinator':
        return this.impostor(victim);
    }
  }

  private note(attack: OnPathAttack, victim: string, extra: Record<string, unknown> = {}): void {
    this.recorder.recordInfo({ attack, victim, ...extra }, 'adversary');
  }

  /** Runs `fn` as a fault on the victim's link (its disconnects are then weather, not spurious). */
  private async asFault(attack: OnPathAttack, victim: string, fn: () => Promise<void>): Promise<void> {
    const fault = { id: `adversary-onpath-${++this.faults}`, action: 'inject', target: victim, workers: [victim], coordinator: false, params: { attack }, origin: 'adversary' };
    this.recorder.recordFault('start', fault);
    try {
      await fn();
    } finally {
      this.recorder.recordFault('stop', fault);
    }
  }

  /** Unsigned frames (crc trailer only) written into the victim's live signing session. */
  private async inject(attack: 'injected-crc' | 'injected-ack', victim: string): Promise<void> {
    const endpoint = this.sim.host(victim).newestOpenEndpoint();
    if (endpoint === undefined) return;
    let frame: AnyMessage;
    if (attack === 'injected-ack') {
      frame = { v: PROTOCOL_VERSION, type: 'ack', ack: 1_000_000_000 };
      this.note(attack, victim, { connection: endpoint.id, withinMs: ANSWER_WAIT_MS });
    } else {
      const lease = victimLease(this.sim, victim);
      if (lease === undefined) return;
      frame = { v: PROTOCOL_VERSION, seq: 900_001, type: 'result', ...lease, outcome: 'completed', result: 'injected-crc', durationMs: 1 };
      this.note(attack, victim, { connection: endpoint.id, withinMs: ANSWER_WAIT_MS, executionId: lease.executionId, leaseToken: lease.leaseToken });
    }
    await this.asFault(attack, victim, async () => {
      endpoint.send(encode(frame));
      await this.sim.runUntil(() => false, { maxMs: ANSWER_WAIT_MS });
    });
  }

  /** Replays the newest reliable frame of the victim's live connection to the victim, then to the coordinator; see the file header. */
  private async replay(victim: string): Promise<void> {
    await this.replayToVictim(victim);
    await this.replayToCoordinator(victim);
  }

  /** Writes a captured frame into a live connection again, as the `replayed-frame` attack on the victim. */
  private async writeAgain(victim: string, writer: Endpoint, conn: string, frame: Frame, dir: MsgDir): Promise<void> {
    this.note('replayed-frame', victim, { connection: conn, seq: frame.seq, msgType: frame.type, dir });
    await this.asFault('replayed-frame', victim, async () => {
      writer.send(frame.text);
      await this.sim.runUntil(() => false, { maxMs: ANSWER_WAIT_MS });
    });
  }

  /** The victim's newest reliable frame to the coordinator, once committed (no newer one for SETTLE_MS). */
  private async replayToCoordinator(victim: string): Promise<void> {
    const endpoint = this.sim.host(victim).newestOpenEndpoint();
    if (endpoint === undefined) return;
    let newest: Frame | undefined;
    const tap = this.sim.net.link(victim, 'coordinator').addTamper((text) => {
      const head = seqOf(text); // signed: the adversary cannot verify it, it only reads it
      if (head !== undefined) newest = { text, ...head };
      return text;
    });
    const open = (): boolean => endpoint.state === 'open';
    let settled: typeof newest;
    for (let tries = 0; tries < 10 && open() && settled === undefined; tries++) {
      const before = newest;
      await this.sim.runUntil(() => newest !== before || !open(), { maxMs: CAPTURE_WAIT_MS });
      const seen = newest;
      await this.sim.runUntil(() => newest !== seen || !open(), { maxMs: SETTLE_MS });
      if (newest === seen && seen !== before) settled = seen;
    }
    tap.remove();
    if (settled !== undefined && open()) await this.writeAgain(victim, endpoint, endpoint.id, settled, 'to_coordinator');
  }

  /** The newest reliable frame the coordinator sent the victim on its live connection (see watch()), once had for SETTLE_MS. */
  private async replayToVictim(victim: string): Promise<void> {
    const endpoint = this.sim.host(victim).newestOpenEndpoint();
    if (endpoint === undefined) return;
    const open = (): boolean => endpoint.state === 'open';
    const settled = (): boolean => {
      const f = this.toVictim.get(victim);
      return f !== undefined && f.conn === endpoint.id && this.sim.time.now() - f.at >= SETTLE_MS;
    };
    for (let tries = 0; tries < 10 && open() && !settled(); tries++) await this.sim.runUntil(() => settled() || !open(), { maxMs: CAPTURE_WAIT_MS });
    const frame = this.toVictim.get(victim);
    if (frame !== undefined && settled() && open()) await this.writeAgain(victim, endpoint.peer, endpoint.id, frame, 'to_worker');
  }

  /** Keeps the newest reliable frame the coordinator sends `victim` (and on which connection), from now on. */
  private watch(victim: string): void {
    if (this.watched.has(victim)) return;
    this.watched.add(victim);
    this.sim.net.link('coordinator', victim).addTamper((text, pipeId) => {
      const head = text.includes('"seq":') ? seqOf(text) : undefined;
      if (head !== undefined) this.toVictim.set(victim, { text, ...head, conn: pipeId.slice(0, pipeId.indexOf(':')), at: this.sim.time.now() });
      return text;
    });
  }

  /** Resets the victim's open connection, if any (an on-path RST): its next connect is the one attacked. */
  private reset(victim: string): void {
    this.sim.host(victim).newestOpenEndpoint()?.out.abort('adversary');
  }

  private victimState(victim: string): string | undefined {
    return this.sim.worker(victim).instance?.state;
  }

  /** A victim that will connect again (not stopped, not gone). */
  private reconnects(victim: string): boolean {
    const state = this.victimState(victim);
    return state !== undefined && state !== 'stopped' && state !== 'idle';
  }

  /** Edits one parameter of the next welcome the victim is sent; see the file header. */
  private async editWelcome(victim: string): Promise<void> {
    if (!this.reconnects(victim)) return;
    const field = EDITED_WELCOME_FIELDS[this.edits++ % EDITED_WELCOME_FIELDS.length] ?? 'signMessages';
    let applied = false;
    const tamper = this.sim.net.link('coordinator', victim).addTamper((text) => {
      if (applied) return text;
      const d = decodeToWorker(text);
      if (!d.ok || d.msg.type !== 'welcome') return text;
      applied = true;
      const { crc: _crc, ...welcome } = d.msg;
      const value = welcome[field];
      const edited = typeof value === 'boolean' ? !value : editedValue(value);
      this.note('edited-welcome', victim, { field, from: value, to: edited });
      return encode({ ...welcome, [field]: edited });
    });
    await this.asFault('edited-welcome', victim, async () => {
      this.reset(victim);
      await this.sim.runUntil(() => applied && !['connecting', 'handshaking'].includes(this.victimState(victim) ?? ''), { maxMs: RECONNECT_WAIT_MS });
    });
    tamper.remove();
  }

  /** Answers the victim's reconnect in the coordinator's place; see the file header. */
  private async impostor(victim: string): Promise<void> {
    if (!this.reconnects(victim)) return;
    const template = await this.welcomeTemplate();
    if (template === undefined) return;
    let answered = false;
    const impostor = await listenAsCoordinator(this.sim, victim, (c) => {
      if (answered) return c.terminate();
      this.answer(c, template, victim, () => {
        answered = true;
        impostor.stopRouting(); // the victim's next reconnect reaches the real coordinator
      });
    });
    try {
      await this.asFault('impostor-coordinator', victim, async () => {
        this.reset(victim);
        await this.sim.runUntil(() => answered && this.victimState(victim) !== 'handshaking', { maxMs: RECONNECT_WAIT_MS });
      });
    } finally {
      await impostor.close();
    }
  }

  /** One impostor connection: welcome, then on register: registered (forged proof) and an assign. */
  private answer(c: Connection, template: Welcome, victim: string, done: () => void): void {
    const nonce = hmacHex('impostor-nonce', String(++this.impostors));
    const { crc: _crc, sig: _sig, earlySync: _early, ...base } = template;
    // Signing off: the impostor cannot sign, and a worker that skipped the proof would take crc frames.
    const welcome: Welcome = { ...base, nonce, signMessages: false, authRequired: true };
    c.attach({
      onMessage: (frame) => {
        const d = decodeToCoordinator(frame);
        if (!d.ok || d.msg.type !== 'register' || d.msg.workerId !== victim) return;
        const executionId = `impostor-${this.impostors}`;
        // Every other impostor leaves the proof out, as a coordinator without a secret would: both must be refused.
        const proof = this.impostors % 2 === 1 ? { proof: hmacHex('guessed-secret', nonce) } : {};
        this.note('impostor-coordinator', victim, { connection: c.id, executionId, proof: 'proof' in proof ? 'forged' : 'missing' });
        const sessionId = d.msg.resume?.sessionId ?? 'ss_impostor';
        const seq = (d.msg.resume?.lastSeq ?? 0) + 1;
        c.send(encode({ v: PROTOCOL_VERSION, type: 'registered', workerId: victim, sessionId, resumed: true, lastSeq: 0, leaseMs: 3000, ...proof }));
        c.send(encode({ v: PROTOCOL_VERSION, type: 'assign', seq, executionId, attempt: 1, leaseToken: `${executionId}-lease`, kind: 'echo', params: { value: 'impostor' } }));
        done();
      },
      onClose: () => {},
    });
    c.send(encode(welcome));
  }
}

/** The seq and type of a reliable frame as it travels (no integrity check: the trailer is left alone), or undefined. */
function seqOf(text: string): { seq: number; type: string } | undefined {
  try {
    const o = JSON.parse(text) as { seq?: unknown; type?: unknown };
    return typeof o.seq === 'number' && typeof o.type === 'string' ? { seq: o.seq, type: o.type } : undefined;
  } catch {
    return undefined;
  }
}

/** The lease the victim holds (running or preparing), as a forger would have sniffed it. */
export function victimLease(sim: Simulation, victim: string): { executionId: string; attempt: number; leaseToken: string } | undefined {
  const engine = sim.coordinator.instance?.engine;
  if (engine === undefined) return undefined;
  for (const status of ['running', 'preparing']) {
    for (const e of everyExecution(engine, status)) {
      if (e.lease?.workerId === victim) return { executionId: e.executionId, attempt: e.lease.attempt, leaseToken: e.lease.token };
    }
  }
  return undefined;
}
