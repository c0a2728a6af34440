/**
 * The wire's frame types and hints under attack (scenario `adversaries`,
 * attacks listed in harness/scenario/adversary.ts), judged by promise 38
 * (harness/check/promises-wire.ts):
 *   binary-frame        a client sends the coordinator a binary frame (a well-formed register as
 *                       UTF-8 bytes) right after the welcome: docs/PROTOCOL.md says text frames
 *                       only, a binary one is refused with close 1003 and never read
 *   binary-coordinator  a hostile coordinator answers the victim's reconnect with its welcome
 *                       in a binary frame: the worker must close 1003 as well, not read it
 *   refusal-hints       a hostile coordinator refuses the victim's reconnects with 4503, one
 *                       retry-after hint per reconnect: small, four digits, five digits (above
 *                       the scenario's backoff cap): the worker comes back in [hint, 1.5 × hint]
 *                       within its cap, never sooner (docs/PROTOCOL.md, admission control)
 * A hostile coordinator takes the victim's route to `coordinator` while it
 * answers (its reset and reconnects are a fault on the victim, weather for
 * the other promises); each attempt is an `adversary` note.
 */
import type { Connection } from '../../system/core/index.js';
import { encode, PROTOCOL_VERSION, type AnyMessage, type Welcome } from '../../system/protocol/index.js';
import type { HistoryRecorder } from '../check/history.js';
import type { Endpoint } from '../sim/connection.js';
import type { Simulation } from '../sim/index.js';
import { listenAsCoordinator } from './impostor-listener.js';

export type WireAttack = 'binary-frame' | 'binary-coordinator' | 'refusal-hints';

/** The hints refusal-hints sends, one per reconnect: 2 digits, 4 digits (a 3-digit parse reads 250), 5 digits (above a cap of 8 s). */
const REFUSAL_HINTS_MS: readonly number[] = [75, 2500, 12_000];
/** How long a hostile-coordinator attack waits for the victim's reconnects (the longest hint within a 10 s cap, and then some). */
const RECONNECT_WAIT_MS = 30_000;
/** How long a client attack waits for the coordinator's answer. */
const ANSWER_WAIT_MS = 500;

/** A connection the adversary opened to the coordinator, past its welcome. */
export interface Opened {
  c: Connection;
  welcome: Welcome;
  closed: () => boolean;
}

/** The wire attacks of one adversarial client. */
export class WireAdversary {
  private faults = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly recorder: HistoryRecorder,
    /** Opens a connection to the coordinator and waits for its welcome (adversary.ts). */
    private readonly connect: () => Promise<Opened | undefined>,
    /** A genuine welcome to copy. */
    private readonly welcomeTemplate: () => Promise<Welcome | undefined>,
  ) {}

  async attack(attack: WireAttack, victim: string): Promise<void> {
    if (attack === 'binary-frame') return this.binaryToCoordinator(victim);
    if (attack === 'binary-coordinator') return this.binaryToWorker(victim);
    return this.refusalHints(victim);
  }

  private note(attack: WireAttack, victim: string, extra: Record<string, unknown> = {}): void {
    this.recorder.recordInfo({ attack, victim, ...extra }, 'adversary');
  }

  /** A register in a binary frame: refused with 1003 whatever it says. */
  private async binaryToCoordinator(victim: string): Promise<void> {
    const conn = await this.connect();
    if (conn === undefined) return;
    const register: AnyMessage = { v: PROTOCOL_VERSION, type: 'register', protocolVersion: PROTOCOL_VERSION, workerId: victim, clientNonce: 'ab'.repeat(16), capabilities: { kinds: ['echo'], concurrency: 1 } };
    this.note('binary-frame', victim, { connection: conn.c.id });
    (conn.c as Endpoint).sendBinary(encode(register));
    await this.sim.runUntil(conn.closed, { maxMs: ANSWER_WAIT_MS });
    conn.c.terminate();
  }

  /** The victim's reconnect answered by a welcome in a binary frame. */
  private async binaryToWorker(victim: string): Promise<void> {
    const template = await this.welcomeTemplate();
    if (template === undefined) return;
    const { crc: _crc, sig: _sig, earlySync: _early, ...welcome } = template;
    await this.hostile('binary-coordinator', victim, 1, (c) => {
      this.note('binary-coordinator', victim, { connection: c.id });
      (c as Endpoint).sendBinary(encode(welcome));
    });
  }

  /** The victim's reconnects refused with 4503, one hint each (REFUSAL_HINTS_MS). */
  private async refusalHints(victim: string): Promise<void> {
    let i = 0;
    await this.hostile('refusal-hints', victim, REFUSAL_HINTS_MS.length, (c) => {
      const hint = REFUSAL_HINTS_MS[i++] ?? 0;
      this.note('refusal-hints', victim, { connection: c.id, retryAfterMs: hint });
      c.send(encode({ v: PROTOCOL_VERSION, type: 'error', code: 'overloaded', message: `coordinator busy; retry after ${hint} ms` }));
      c.close(4503, `retry-after=${hint}`);
    });
  }

  /**
   * Takes the victim's route to the coordinator, resets its connection and
   * answers its next `answers` connects with `answer`; then gives the route
   * back and waits for the victim's next connect (to the real coordinator).
   */
  private async hostile(attack: WireAttack, victim: string, answers: number, answer: (c: Connection) => void): Promise<void> {
    const state = (): string | undefined => this.sim.worker(victim).instance?.state;
    if (state() === undefined || state() === 'stopped' || state() === 'idle') return;
    let answered = 0;
    const impostor = await listenAsCoordinator(this.sim, victim, (c) => {
      if (answered >= answers) return c.terminate();
      answered += 1;
      if (answered === answers) impostor.stopRouting(); // the victim's next reconnect reaches the real coordinator
      answer(c);
    });
    const fault = { id: `adversary-wire-${++this.faults}`, action: 'inject', target: victim, workers: [victim], coordinator: false, params: { attack }, origin: 'adversary' };
    this.recorder.recordFault('start', fault);
    try {
      this.sim.host(victim).newestOpenEndpoint()?.out.abort('adversary');
      await this.sim.runUntil(() => answered >= answers && ['syncing', 'ready'].includes(state() ?? ''), { maxMs: RECONNECT_WAIT_MS });
    } finally {
      await impostor.close();
      this.recorder.recordFault('stop', fault);
    }
  }
}
