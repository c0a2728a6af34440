/**
 * Adversarial clients (scenario `adversaries`): a simulated process on host
 * `adversary` that connects to the coordinator like a worker and tries, for
 * each attack, to be taken for the victim or to make the coordinator act on
 * frames it had no right to send:
 *   no-mac          register as the victim without a MAC
 *   forged-mac      register as the victim with a made-up MAC, then one connection per malformed MAC
 *                   (MALFORMED_MACS), each refused 4400 or 4401, never crashing the handshake
 *   replayed-mac    register with a MAC captured on an earlier connection (another nonce)
 *   hijack-session  resume the victim's session id with a forged MAC (detach the victim)
 *   forged-result   a `completed` result for a lease the victim holds, outside any session
 *   forged-checkpoint  a checkpoint (seq 1e6) for the victim's lease, outside any session
 *   forged-sig      a result signed with a key captured from an earlier connection
 *   injected-sig    on path: a well-formed result for the victim's lease in the victim's live connection,
 *                   signed with an earlier connection's key: only the signature check can refuse it
 *   injected-crc, injected-ack, edited-welcome, impostor-coordinator
 *                   on path, without the secret: harness/scenario/adversary-onpath.ts
 *   edited-register on path: one field of the victim's register edited in flight: harness/scenario/adversary-register.ts
 *   http-scopes     the HTTP API with no, a forged and lower-scope tokens: harness/scenario/adversary-http.ts
 *   oversized-frame frames below, at and above maxFrameBytes in UTF-8 bytes: harness/scenario/adversary-frames.ts
 *   stale-start     a registered worker of its own sends `started` for leases that just ended: harness/scenario/adversary-stale-start.ts
 *   deployment      the documented unsafe configurations, given to the system's start-up validation: harness/scenario/deploy-probe.ts
 *   wide-close-reason a frame of an unknown type in multi-byte text, echoed in the close reason: harness/scenario/adversary-close-reason.ts
 *   binary-frame, binary-coordinator, refusal-hints
 *                   binary frames both ways, a hostile coordinator's 4503 hints: harness/scenario/adversary-wire.ts
 * What a wire-sniffing attacker would have learnt (nonces of its own earlier
 * connections, the victim's session id and lease tokens) the harness reads
 * from the simulation. Each attempt is recorded as an `adversary` note
 * ({attack, victim, executionId?, leaseToken?, forgedSeq?}) before it is
 * sent, for promise 8's adversary check (harness/check/promises-adversary.ts).
 */
import { getEventListeners } from 'node:events';
import { hmacHex, type Connection } from '../../system/core/index.js';
import { decodeToWorker, encode, registrationMac, sessionSigningKey, PROTOCOL_VERSION, type AnyMessage, type Register, type Welcome } from '../../system/protocol/index.js';
import type { HistoryRecorder } from '../check/history.js';
import type { Simulation } from '../sim/index.js';
import { wideTypeFrame } from './adversary-close-reason.js';
import { oversizeProbes } from './adversary-frames.js';
import { MALFORMED_MACS } from './adversary-macs.js';
import { probeWireBounds } from './adversary-bounds.js';
import { probeWorkerWireBounds } from './adversary-bounds-worker.js';
import { probeDeployment } from './deploy-probe.js';
import { StaleStartAdversary } from './adversary-stale-start.js';
import { OnPathAdversary, victimLease, type OnPathAttack } from './adversary-onpath.js';
import { RegisterEditor, registerAs } from './adversary-register.js';
import { WireAdversary, type WireAttack } from './adversary-wire.js';
import type { Adversary, Attack } from './schema-engine.js';

const ON_PATH: ReadonlySet<string> = new Set<OnPathAttack>(['injected-crc', 'injected-ack', 'replayed-frame', 'edited-welcome', 'impostor-coordinator']);
const isOnPath = (a: Attack): a is Attack & OnPathAttack => ON_PATH.has(a);
const WIRE: ReadonlySet<string> = new Set<WireAttack>(['binary-frame', 'binary-coordinator', 'refusal-hints']);
const isWire = (a: Attack): a is Attack & WireAttack => WIRE.has(a);

/** The forged checkpoint seq: far beyond anything an honest worker reaches in a run. */
const FORGED_CHECKPOINT_SEQ = 1_000_000;
const HOST = 'adversary';
/** How long (simulated) an attack waits for the coordinator's answer before hanging up. */
const ANSWER_WAIT_MS = 500;

/** A connection the adversary saw: the welcome it was sent and the client nonce it answered with. */
interface Seen {
  welcome: Welcome;
  clientNonce: string;
}

/** One adversarial client across its attacks; remembers the welcomes it was offered. */
export class AdversaryClient {
  private readonly seen: Seen[] = [];
  private injections = 0;
  private connects = 0;
  private readonly onPath: OnPathAdversary;
  private readonly staleStart: StaleStartAdversary;
  private readonly registerEditor: RegisterEditor;
  private readonly wire: WireAdversary;
  /**
   * One stop signal for every connect this client makes, as a long-lived client of the Transport holds
   * (the worker makes one per attempt): a settled connect must leave no listener on it (promise 35).
   */
  private readonly stop = new AbortController();

  constructor(
    private readonly sim: Simulation,
    private readonly recorder: HistoryRecorder,
    private readonly secret: string | undefined,
    /** The http-scopes attack (adversary-http.ts), bound to the simulated client's credentials. */
    private readonly httpScopes: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.onPath = new OnPathAdversary(sim, recorder, () => this.welcomeTemplate());
    this.staleStart = new StaleStartAdversary(sim, recorder, secret, (onFrame) => this.connect(onFrame));
    this.registerEditor = new RegisterEditor(sim, recorder);
    this.wire = new WireAdversary(sim, recorder, () => this.connect(), () => this.welcomeTemplate());
  }

  /** One round: every attack of the entry, one connection each, in order. */
  async round(a: Adversary): Promise<void> {
    const host = this.sim.host(HOST);
    if (host.state === 'down') host.boot();
    for (const attack of a.attacks) await this.attack(attack, a.victim);
    // Every connect of the round has settled: none may still listen on the stop signal (harness/check/promises-hygiene.ts).
    this.recorder.recordInfo({ connectSignal: { listeners: getEventListeners(this.stop.signal, 'abort').length, connects: this.connects } }, 'adversary');
  }

  private async attack(attack: Attack, victim: string): Promise<void> {
    const own = this.ownProber(attack, victim);
    if (own !== undefined) return own;
    if (attack === 'forged-mac') await this.malformedMacs(victim);
    if (isOnPath(attack)) return this.onPath.attack(attack, victim);
    if (isWire(attack)) return this.wire.attack(attack, victim);
    return this.onOwnConnection(attack, victim);
  }

  /** The attacks run by a prober of their own (their own module or method), or undefined for those over one connection of the adversary's. */
  private ownProber(attack: Attack, victim: string): Promise<void> | undefined {
    if (attack === 'http-scopes') return this.httpScopes();
    if (attack === 'deployment') return probeDeployment(this.recorder);
    if (attack === 'oversized-frame') return this.oversize(victim);
    if (attack === 'wire-bounds') return probeWireBounds(this.sim, this.recorder, victim, () => this.connect());
    if (attack === 'wire-bounds-worker') return probeWorkerWireBounds(this.sim, this.recorder, victim);
    if (attack === 'wide-close-reason') return this.wideCloseReason(victim);
    if (attack === 'stale-start') return this.staleStart.attack(victim);
    if (attack === 'injected-sig') return this.inject(victim);
    if (attack === 'edited-register') return this.registerEditor.attack(victim);
    return undefined;
  }

  /** A register or frame attack over a connection of the adversary's own: sent after the welcome, then the coordinator's answer awaited. */
  private async onOwnConnection(attack: Attack, victim: string): Promise<void> {
    const conn = await this.connect();
    if (conn === undefined) return;
    const { c, welcome, closed } = conn;
    const nonce = welcome.nonce;
    // Well formed (hex, as long as a worker's) so the register reaches authenticate: a malformed one is refused by the schema first.
    const clientNonce = hmacHex('adversary-client-nonce', String(this.seen.length + 1));
    const note = (extra: Record<string, unknown> = {}): void => this.recorder.recordInfo({ attack, victim, ...extra }, 'adversary');
    const register = (mac: string | undefined, resume?: { sessionId: string; lastSeq: number }, cn = clientNonce): Register => registerAs(victim, cn, mac, resume);
    const old = this.seen.find((x) => x.welcome.nonce !== nonce);
    switch (attack) {
      case 'no-mac':
        note();
        c.send(encode(register(undefined)));
        break;
      case 'forged-mac':
        note();
        c.send(encode(register(hmacHex('guessed-secret', nonce))));
        break;
      case 'replayed-mac':
        if (old === undefined || this.secret === undefined) break;
        note();
        // The whole register of an earlier connection, replayed: its MAC binds that connection's welcome.
        c.send(encode(register(registrationMac(this.secret, old.welcome, register(undefined, undefined, old.clientNonce)), undefined, old.clientNonce)));
        break;
      case 'hijack-session': {
        const sessionId = this.victimSession(victim);
        if (sessionId === undefined) break;
        note({ sessionId });
        c.send(encode(register(hmacHex('guessed-secret', nonce), { sessionId, lastSeq: 0 })));
        break;
      }
      default:
        this.forgeFrame(attack, victim, c, note, old);
    }
    this.seen.push({ welcome, clientNonce });
    // Let the frame cross the network and the coordinator answer (it closes a refused registration);
    // terminating at once dropped every attack before it reached the coordinator.
    await this.sim.runUntil(closed, { maxMs: ANSWER_WAIT_MS });
    c.terminate();
  }

  /** Frames outside any session, about a lease the victim holds (none held: nothing to forge). */
  private forgeFrame(attack: Attack, victim: string, c: Connection, note: (x: Record<string, unknown>) => void, old: Seen | undefined): void {
    const lease = victimLease(this.sim, victim);
    if (lease === undefined) return;
    const ids = { executionId: lease.executionId, attempt: lease.attempt, leaseToken: lease.leaseToken };
    const result: AnyMessage = { v: PROTOCOL_VERSION, seq: 1, type: 'result', ...ids, outcome: 'completed', result: 'forged', durationMs: 1 };
    if (attack === 'forged-result') {
      note({ executionId: lease.executionId, leaseToken: lease.leaseToken });
      c.send(encode(result));
    } else if (attack === 'forged-checkpoint') {
      note({ executionId: lease.executionId, leaseToken: lease.leaseToken, forgedSeq: FORGED_CHECKPOINT_SEQ });
      c.send(encode({ v: PROTOCOL_VERSION, seq: 1, type: 'checkpoint', ...ids, checkpoint: { seq: FORGED_CHECKPOINT_SEQ, state: { forged: true } } }));
    } else if (attack === 'forged-sig' && old !== undefined && this.secret !== undefined) {
      note({ executionId: lease.executionId, leaseToken: lease.leaseToken });
      c.send(encode(result, sessionSigningKey(this.secret, old.welcome.nonce, old.clientNonce)));
    }
  }

  /**
   * On-path injection: a `completed` result for a lease the victim holds, into the victim's live
   * connection, signed with a key derived from nonces of an earlier connection (captured on the
   * wire), with a seq far ahead of the victim's so it is new to the coordinator's session.
   */
  private async inject(victim: string): Promise<void> {
    const lease = victimLease(this.sim, victim);
    const endpoint = this.sim.host(victim).newestOpenEndpoint();
    const captured = this.seen.at(-1);
    if (lease === undefined || endpoint === undefined || captured === undefined || this.secret === undefined) return;
    const frame: AnyMessage = { v: PROTOCOL_VERSION, seq: 900_000, type: 'result', executionId: lease.executionId, attempt: lease.attempt, leaseToken: lease.leaseToken, outcome: 'completed', result: 'injected', durationMs: 1 };
    this.recorder.recordInfo({ attack: 'injected-sig', victim, executionId: lease.executionId, leaseToken: lease.leaseToken }, 'adversary');
    // Writing into the victim's stream is a fault on its link: the coordinator rightly drops the connection (4402).
    const fault = { id: `adversary-inject-${++this.injections}`, action: 'inject', target: victim, workers: [victim], coordinator: false, params: { attack: 'injected-sig' }, origin: 'adversary' };
    this.recorder.recordFault('start', fault);
    endpoint.send(encode(frame, sessionSigningKey(this.secret, captured.welcome.nonce, captured.clientNonce)));
    await this.sim.runUntil(() => false, { maxMs: ANSWER_WAIT_MS });
    this.recorder.recordFault('stop', fault);
  }

  /** forged-mac's malformed MACs (MALFORMED_MACS), one connection each; each note records the close code the coordinator answered with. */
  private async malformedMacs(victim: string): Promise<void> {
    for (const [i, m] of MALFORMED_MACS.entries()) {
      const conn = await this.connect();
      if (conn === undefined) return;
      const clientNonce = hmacHex('adversary-malformed-nonce', `${this.seen.length}/${i}`);
      this.recorder.recordInfo({ attack: 'forged-mac', victim, shape: m.shape, codes: [...m.codes] }, 'adversary');
      conn.c.send(encode(registerAs(victim, clientNonce, m.mac)));
      await this.sim.runUntil(conn.closed, { maxMs: ANSWER_WAIT_MS });
      this.recorder.recordInfo({ attack: 'malformed-mac-answer', victim, shape: m.shape, codes: [...m.codes], closedWith: conn.closeCode() ?? null }, 'adversary');
      conn.c.terminate();
    }
  }

  /** Frames below, at and above the frame limit, one connection each (adversary-frames.ts). */
  private async oversize(victim: string): Promise<void> {
    const first = await this.connect();
    if (first === undefined) return;
    for (const [i, probe] of oversizeProbes(first.welcome).entries()) {
      const conn = i === 0 ? first : await this.connect();
      if (conn === undefined) return;
      this.recorder.recordInfo({ attack: 'oversized-frame', victim, bytes: probe.bytes, units: probe.units, limit: probe.limit, over: probe.over }, 'adversary');
      conn.c.send(probe.frame);
      await this.sim.runUntil(conn.closed, { maxMs: ANSWER_WAIT_MS });
      conn.c.terminate();
    }
  }

  /** A frame of an unknown type in multi-byte text (close-reason.ts): the coordinator must close with the code it promised. */
  private async wideCloseReason(victim: string): Promise<void> {
    const conn = await this.connect();
    if (conn === undefined) return;
    this.recorder.recordInfo({ attack: 'wide-close-reason', victim }, 'adversary');
    conn.c.send(wideTypeFrame());
    await this.sim.runUntil(conn.closed, { maxMs: ANSWER_WAIT_MS });
    this.recorder.recordInfo({ attack: 'wide-close-reason', victim, closedWith: conn.closeCode() ?? null }, 'adversary');
    conn.c.terminate();
  }

  /** Opens a connection and waits for the welcome (later frames go to onFrame); undefined if the coordinator is unreachable. */
  private async connect(onFrame?: (frame: string) => void): Promise<{ c: Connection; welcome: Welcome; closed: () => boolean; closeCode: () => number | undefined } | undefined> {
    const url = `${this.sim.coordinator.url}/ws`;
    const opts = { handshakeTimeoutMs: 2000, maxPayloadBytes: 1 << 20, perMessageDeflate: false as const, signal: this.stop.signal };
    this.connects += 1;
    const pending = this.sim.host(HOST).transport.connect(url, opts);
    let c: Connection;
    try {
      c = await this.sim.settle(pending, 5000);
    } catch {
      return undefined;
    }
    let welcome: Welcome | undefined;
    let closed = false;
    let closeCode: number | undefined;
    c.attach({
      onMessage: (frame) => {
        if (welcome !== undefined) return void onFrame?.(frame);
        const d = decodeToWorker(frame);
        if (d.ok && d.msg.type === 'welcome') welcome = d.msg;
      },
      onClose: (code) => {
        closed = true;
        closeCode = code;
      },
    });
    await this.sim.runUntil(() => welcome !== undefined, { maxMs: 2000 });
    if (welcome === undefined) {
      c.terminate();
      return undefined;
    }
    return { c, welcome, closed: () => closed, closeCode: () => closeCode };
  }

  /** A genuine welcome for the impostor to copy: the last one seen, or a fresh connection's. */
  private async welcomeTemplate(): Promise<Welcome | undefined> {
    const last = this.seen.at(-1)?.welcome;
    if (last !== undefined) return last;
    const conn = await this.connect();
    conn?.c.terminate();
    return conn?.welcome;
  }

  private victimSession(victim: string): string | undefined {
    const recs = this.recorder.history();
    for (let i = recs.length - 1; i >= 0; i--) {
      const r = recs[i];
      if (r?.f === 'connected' && r.process === victim && typeof r.value.sessionId === 'string') return r.value.sessionId;
    }
    return undefined;
  }
}
