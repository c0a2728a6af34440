/**
 * Corrupted frames must be rejected (promise 8, harness/check/promises-integrity.ts):
 * the simulated link reports each corrupted frame a live receiver reads, and
 * the receiver must refuse it at once. scenarios/corrupting-link.yaml passes
 * on the real codec. With the ping/pong/ack fast path moved ahead of the
 * integrity check (a module mock local to this file: a defect a developer
 * chasing heartbeat cost could commit), a corrupted heartbeat or ack is
 * acted on as if intact, which no outcome promise notices, and the rule
 * says so under `auth`; the on-path adversary's unsigned `ack` of a huge seq
 * (adversarial-clients, injected-ack) is then taken as well. With version
 * and type judged before the integrity check, a flip in "v" or "type" (w3's
 * aimed corrupt rule) reads as unsupported version / unknown type, and a
 * worker stops for good: caught under `auth` as a rejection that is not an
 * integrity failure and as a fatal stop caused by damage in transit. The
 * converse, an honest frame refused as damaged (an `error` frame, sent with
 * a crc on a signing session, refused as unsigned), is caught under `auth`
 * too; and a connection refused for a corrupted frame must be detached at
 * once (no claim for its worker before the close event), under `liveness`.
 */
import { describe, expect, it, vi } from 'vitest';
import { formatViolation } from '../../harness/check/violation.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import type * as Codec from '../../system/protocol/codec.js';
import { withDetachAtCloseOnly } from './broken/connection-variants.js';

const state = vi.hoisted(() => ({ fastPathFirst: false, envelopeFirst: false, errorMustBeSigned: false }));

vi.mock('../../system/protocol/codec.js', async (importOriginal) => {
  const real = await importOriginal<typeof Codec>();
  /** The defect: a frame that parses as ping, pong or ack takes the fast path before its crc or signature is checked. */
  function early(frame: string): ReturnType<typeof real.heartbeatFastPath> {
    if (!state.fastPathFirst) return undefined;
    try {
      const obj: unknown = JSON.parse(frame);
      return typeof obj === 'object' && obj !== null && !Array.isArray(obj) ? real.heartbeatFastPath(obj as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  const messages = await import('../../system/protocol/messages.js');
  const { CloseCode } = await import('../../system/protocol/close-codes.js');
  /** The other defect (set 6, miss 28): version and type judged before the crc or signature, so a flip there reads as a fatal envelope error. */
  function envelope(frame: string, known: readonly string[]): Codec.DecodeError | undefined {
    if (!state.envelopeFirst) return undefined;
    let obj: unknown;
    try {
      obj = JSON.parse(frame);
    } catch {
      return undefined;
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return undefined;
    const { v, type } = obj as Record<string, unknown>;
    if (v !== messages.PROTOCOL_VERSION) return { ok: false, code: 'unsupported_version', closeCode: CloseCode.UnsupportedVersion, message: `protocol version ${JSON.stringify(v)} is not supported`, path: 'v' };
    if (typeof type === 'string' && !known.includes(type)) return { ok: false, code: 'unknown_type', closeCode: CloseCode.UnknownType, message: `unknown message type "${type}"`, path: 'type' };
    return undefined;
  }
  /** Blind set 9 #27: `error` dropped from the unsigned types, so a signing receiver refuses the peer's crc'd error frame. */
  function errorUnsigned(frame: string, key: string | undefined): Codec.DecodeError | undefined {
    if (!state.errorMustBeSigned || key === undefined || !frame.startsWith(`{"v":${messages.PROTOCOL_VERSION},"type":"error",`)) return undefined;
    return { ok: false, code: 'bad_signature', closeCode: CloseCode.BadSignature, message: 'message signature missing on "error": "sig" must be its last member', path: 'sig' };
  }
  const decodeToCoordinator: typeof real.decodeToCoordinator = (frame, max, key) => {
    const refused = errorUnsigned(frame, key);
    if (refused !== undefined) return refused;
    const msg = early(frame);
    return msg !== undefined ? { ok: true, msg: msg as never } : (envelope(frame, messages.TO_COORDINATOR_TYPES) ?? real.decodeToCoordinator(frame, max, key));
  };
  const decodeToWorker: typeof real.decodeToWorker = (frame, max, key) => {
    const refused = errorUnsigned(frame, key);
    if (refused !== undefined) return refused;
    const msg = early(frame);
    return msg !== undefined ? { ok: true, msg: msg as never } : (envelope(frame, messages.TO_WORKER_TYPES) ?? real.decodeToWorker(frame, max, key));
  };
  return { ...real, decodeToCoordinator, decodeToWorker };
});

interface Story {
  passed: boolean;
  text: string;
  promises: string[];
  corrupted: number;
  notRejected: number;
  /** Corrupted frames read, by the member the flip hit and direction ("v>coordinator", "type>worker"). */
  hits: Map<string, number>;
}

async function story(fastPathFirst: boolean, file = 'scenarios/corrupting-link.yaml', envelopeFirst = false, errorMustBeSigned = false): Promise<Story> {
  state.fastPathFirst = fastPathFirst;
  state.envelopeFirst = envelopeFirst;
  state.errorMustBeSigned = errorMustBeSigned;
  try {
    const r = await runChecked(await loadScenario(file), { seed: 1 });
    const text = r.violations.map(formatViolation).join('\n');
    const notes = r.outcome.history.filter((x) => x.f === 'note' && x.process === 'net' && typeof x.value.corrupted === 'string');
    const hits = new Map<string, number>();
    for (const n of notes) {
      const k = `${String(n.value.field)}>${n.value.to === 'coordinator' ? 'coordinator' : 'worker'}`;
      hits.set(k, (hits.get(k) ?? 0) + 1);
    }
    return {
      passed: r.passed,
      text,
      promises: [...new Set(r.violations.map((v) => v.promise.name))],
      corrupted: notes.length,
      notRejected: r.violations.filter((v) => /corrupted frame .* was read and not rejected/.test(v.message)).length,
      hits,
    };
  } finally {
    state.fastPathFirst = false;
    state.envelopeFirst = false;
    state.errorMustBeSigned = false;
  }
}

describe('corrupted frames', () => {
  it('are each rejected by the real codec the moment they are read', async () => {
    const v = await story(false);
    expect(v.text).toBe('');
    expect(v.passed).toBe(true);
    // Not vacuous: the link corrupted frames that live receivers read, and every one was judged.
    expect(v.corrupted).toBeGreaterThan(10);
    // ... flips in "v" and "type" included, both ways (w3's aimed rule), handshakes among them.
    for (const k of ['v>coordinator', 'v>worker', 'type>coordinator', 'type>worker']) expect(v.hits.get(k) ?? 0, k).toBeGreaterThan(3);
  });

  it('catches version and type judged before the integrity check (promise 8, auth; set 6, miss 28)', async () => {
    const v = await story(false, 'scenarios/corrupting-link.yaml', true);
    expect(v.passed).toBe(false);
    expect(v.promises).toContain('auth');
    expect(v.text).toMatch(/bit flipped in "v"\) at t=\d+ was rejected as (unsupported_version|4426)/);
    expect(v.text).toMatch(/bit flipped in "type"\) at t=\d+ was rejected as (unknown_type|4404)/);
    // A worker stopped for good over a flipped version: the fatal close is blamed on the corruption.
    expect(v.text).toMatch(/made w3 stop for good/);
  });

  it('catches an honest error frame refused as unsigned on a signing session (promise 8, auth; blind set 9 #27)', async () => {
    // The coordinator answers each corrupted frame from a worker with an `error` frame (crc, never signed) before closing.
    const v = await story(false, 'scenarios/corrupting-link.yaml', false, true);
    expect(v.passed).toBe(false);
    expect(v.promises).toEqual(['auth']);
    expect(v.text).toMatch(/w\d refused a frame from the coordinator with 4402 at t=\d+ \(message signature missing on "error".*an honest frame refused as damaged/);
  });

  it('catches a refused connection detached only at its close event (promise 10, liveness; blind set 9 #15)', async () => {
    // w1's slow, flipping link: the close of a connection refused for a corrupted frame takes a round trip to
    // come back, and the trickle's submissions wake the assignment loop in between.
    const v = await withDetachAtCloseOnly(() => story(false));
    expect(v.passed).toBe(false);
    expect(v.promises).toContain('liveness');
    expect(v.text).toMatch(/w1 was given attempt \d+ \(lease \S+\) by a claim decided \d+ ms after the coordinator refused its connection \S+ \(protocol_error\) and before it registered again/);
  });

  it('catches a heartbeat/ack fast path ahead of the integrity check (promise 8, auth)', async () => {
    const v = await story(true);
    expect(v.passed).toBe(false);
    expect(v.promises).toContain('auth');
    expect(v.notRejected).toBeGreaterThan(0);
  });

  it('the same defect lets an on-path unsigned ack of a huge seq through (adversarial-clients, injected-ack)', async () => {
    const v = await story(true, 'scenarios/adversarial-clients.yaml');
    expect(v.promises).toContain('auth');
    expect(v.text).toMatch(/an unsigned frame \(injected-ack\) injected into w1's signing session .* was not refused/);
  });
});
