/**
 * The `edited-register` on-path attack (scenario `adversaries`): resets the
 * victim's connection and edits one field of the next `register` it sends
 * (the crc recomputed, the MAC left as the worker computed it), in turn:
 * resume.lastSeq (+1: the coordinator would skip a message it never
 * delivered), clientNonce, capabilities.concurrency, capabilities.kinds,
 * resume.sessionId. docs/PROTOCOL.md puts every one of them inside the
 * register MAC, so the registration must fail (4401); a coordinator that
 * registers the victim after it was fooled. The counterpart of
 * `edited-welcome` (adversary-onpath.ts), which edits what the coordinator
 * sends. Recorded as an `adversary` note {attack, victim, field, from, to}
 * when the edit is made; promise 8 judges it (harness/check/promises-onpath.ts).
 */
import { decodeToCoordinator, encode, PROTOCOL_VERSION, type Register } from '../../system/protocol/index.js';
import type { HistoryRecorder } from '../check/history.js';
import type { Simulation } from '../sim/index.js';

/** The register fields the attack edits, one per attempt, in this order. */
const EDITED_REGISTER_FIELDS = ['resume.lastSeq', 'clientNonce', 'capabilities.concurrency', 'capabilities.kinds', 'resume.sessionId'] as const;
type Field = (typeof EDITED_REGISTER_FIELDS)[number];
/** How long the attack waits for the victim to reconnect and the coordinator to decide. */
const RECONNECT_WAIT_MS = 3000;

/** A different value of the same type (a number +1, a hex nonce stays hex, a list loses its last item); also edited-welcome's. */
export function editedValue<T>(value: T): T;
export function editedValue(value: unknown): unknown {
  if (typeof value === 'number') return value + 1;
  if (Array.isArray(value)) return value.slice(0, -1);
  const s = String(value);
  return `${s.slice(0, -1)}${s.endsWith('0') ? '1' : '0'}`;
}

/** The register with `field` edited, and what it was and became; undefined if it has no such field (no resume). */
function editRegister(reg: Register, field: Field): { reg: Register; from: unknown; to: unknown } | undefined {
  const [outer, inner] = field.split('.') as [keyof Register, string | undefined];
  if (inner === undefined) {
    const from = reg[outer];
    return { reg: { ...reg, [outer]: editedValue(from) }, from, to: editedValue(from) };
  }
  const part = reg[outer] as Record<string, unknown> | undefined;
  if (part === undefined) return undefined;
  const from = part[inner];
  return { reg: { ...reg, [outer]: { ...part, [inner]: editedValue(from) } }, from, to: editedValue(from) };
}

/** The attack's state across rounds (which field is next). */
export class RegisterEditor {
  private edits = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly recorder: HistoryRecorder,
  ) {}

  /** Edits one field of the victim's next register; see the file header. */
  async attack(victim: string): Promise<void> {
    const state = (): string | undefined => this.sim.worker(victim).instance?.state;
    if (state() === undefined || state() === 'stopped' || state() === 'idle') return;
    const field = EDITED_REGISTER_FIELDS[this.edits++ % EDITED_REGISTER_FIELDS.length] ?? 'resume.lastSeq';
    let applied = false;
    const tamper = this.sim.net.link(victim, 'coordinator').addTamper((text) => {
      if (applied) return text;
      const d = decodeToCoordinator(text);
      if (!d.ok || d.msg.type !== 'register') return text;
      const { crc: _crc, ...reg } = d.msg;
      const edit = editRegister(reg, field);
      if (edit === undefined) return text;
      applied = true;
      this.recorder.recordInfo({ attack: 'edited-register', victim, field, from: edit.from, to: edit.to }, 'adversary');
      return encode(edit.reg);
    });
    const fault = { id: `adversary-register-${this.edits}`, action: 'inject', target: victim, workers: [victim], coordinator: false, params: { attack: 'edited-register' }, origin: 'adversary' };
    this.recorder.recordFault('start', fault);
    try {
      this.sim.host(victim).newestOpenEndpoint()?.out.abort('adversary');
      await this.sim.runUntil(() => applied && !['connecting', 'handshaking'].includes(state() ?? ''), { maxMs: RECONNECT_WAIT_MS });
    } finally {
      tamper.remove();
      this.recorder.recordFault('stop', fault);
    }
  }
}

/** A register as `victim` would send it, with the given MAC (none: no auth) and resume. */
export function registerAs(victim: string, clientNonce: string, mac: string | undefined, resume?: { sessionId: string; lastSeq: number }): Register {
  return {
    v: PROTOCOL_VERSION,
    type: 'register',
    protocolVersion: PROTOCOL_VERSION,
    workerId: victim,
    clientNonce,
    capabilities: { kinds: ['sleep', 'echo', 'fail', 'cpu'], concurrency: 4 },
    ...(mac === undefined ? {} : { auth: { mac } }),
    ...(resume === undefined ? {} : { resume }),
  };
}
