/**
 * Session 36's gaps on the 0-RTT path (gaps36a), injected through a seam and
 * caught by a promise while the real system passes at the same seed:
 * - a coordinator whose hello path gives its admission slot back at the
 *   registration instead of at the worker's first answer
 *   (Admission.registered releasing the slot it is told is held) -> promise
 *   10 on thundering-herd-open.yaml, the herd without a secret: the first
 *   herd's hellos are all taken at once, more than half the limit of 4
 *   (promises-admission.ts checkHelloRoom). thundering-herd.yaml has a
 *   secret, so its workers send no hello and the same defect passes there;
 * - a worker whose welcome fast decoder skips the nonce's 128-character
 *   bound (vi.mock of fast-decode-handshake.ts) -> promise 38 on
 *   wire-bounds-worker.yaml: the hostile coordinator's welcome with a
 *   129-character nonce, which the schema refuses, is not closed 4400 (the
 *   worker registers on it); before, the worker's direction was held to the
 *   schema only by harness/check/wire-bounds.test.ts, never in a run;
 * - the worker as it was: a frame before `registered` has its ack and seq
 *   taken before the state check refuses it (Worker.handle wrapped) ->
 *   promise 1 (no lost work) on wire-bounds-worker.yaml: the
 *   hostile first frames' acks drop the outbox's unacknowledged completions
 *   and a seq of 2^53-1 makes every later assign a duplicate.
 */
import { describe, expect, it, vi } from 'vitest';
import type * as Handshake from '../../system/protocol/fast-decode-handshake.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { Admission } from '../../system/coordinator/admission.js';
import { RELIABLE_TYPES, type ToWorker } from '../../system/protocol/messages.js';
import { Worker } from '../../system/worker/worker.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ longNonce: false }));

// Broken: the welcome's fast path takes a nonce of any length (the schema: 16 to 128 characters).
vi.mock('../../system/protocol/fast-decode-handshake.js', async (importOriginal) => {
  const real = await importOriginal<typeof Handshake>();
  const handshakeFastPath: typeof real.handshakeFastPath = (obj) => {
    const nonce = obj.nonce;
    if (!plant.longNonce || obj.type !== 'welcome' || typeof nonce !== 'string' || nonce.length <= 128) return real.handshakeFastPath(obj);
    const msg = real.handshakeFastPath({ ...obj, nonce: nonce.slice(0, 128) }) as { nonce: string } | undefined;
    if (msg !== undefined) msg.nonce = nonce;
    return msg as ReturnType<typeof real.handshakeFastPath>;
  };
  return { ...real, handshakeFastPath };
});

/** Broken: a 0-RTT registration's slot is given back when it registers (the old "hellos never pend"). */
function helloSlotReleasedAtRegister(): () => void {
  const registered = Admission.prototype.registered;
  Admission.prototype.registered = function releasedAtRegister(this: Admission, held: number): void {
    registered.call(this, held);
    this.pending = Math.max(0, this.pending - held);
  };
  return () => void (Admission.prototype.registered = registered);
}

/** Broken (the worker before session 36): while handshaking, a frame's ack and seq are taken before its state is judged. */
function handshakeFramesTakenFirst(): () => void {
  type Inner = { sm: { state: string }; onAck(n: number): void; channel: { admit(seq: number): string }; handle(gen: number, msg: ToWorker): void };
  const proto = Worker.prototype as unknown as Inner;
  const handle = proto.handle;
  proto.handle = function takenFirst(this: Inner, gen: number, msg: ToWorker): void {
    if (this.sm.state === 'handshaking' && msg.type !== 'welcome' && msg.type !== 'registered') {
      if (msg.ack !== undefined) this.onAck(msg.ack);
      if (RELIABLE_TYPES.has(msg.type) && 'seq' in msg) this.channel.admit(msg.seq);
    }
    handle.call(this, gen, msg);
  };
  return () => void (proto.handle = handle);
}

describe('broken variants for the 0-RTT herd (gaps36a)', () => {
  it('a hello path that does not hold its admission slot until the first answer: caught on the open herd, not the secret one', { timeout: 180_000 }, async () => {
    const open = await loadScenario('scenarios/thundering-herd-open.yaml');
    const real = await simVerdict(open);
    expect(real.text).toBe('');
    const broken = await withPlanted(helloSlotReleasedAtRegister, () => simVerdict(open));
    expect(broken.promises).toContain('liveness');
    expect(broken.text).toMatch(/0-RTT hello at t=\d+ while 2 other 0-RTT registrations still held their admission slots.*above half its limit of 4/);
    const secretHerd = await loadScenario('scenarios/thundering-herd.yaml');
    const secret = await withPlanted(helloSlotReleasedAtRegister, () => simVerdict(secretHerd));
    expect(secret.text).not.toMatch(/0-RTT hello/);
  });

  it('a worker whose welcome fast decoder skips the nonce\'s length bound: caught on wire-bounds-worker (38), the real worker passes', { timeout: 120_000 }, async () => {
    const s = await loadScenario('scenarios/wire-bounds-worker.yaml');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await withPlanted(flagOn(plant, 'longNonce'), () => simVerdict(s));
    expect(broken.promises).toContain('wire');
    expect(broken.text).toMatch(/a "welcome" frame with nonce one step past its bound \(max_length 128\), sent to worker w1 by a hostile coordinator .*which the protocol's schema refuses, was (not closed|closed \d+) instead of 4400/);
  });

  it('a worker that takes a frame\'s ack and seq before registered: caught on wire-bounds-worker (1: completions lost)', { timeout: 120_000 }, async () => {
    const broken = await withPlanted(handshakeFramesTakenFirst, async () => simVerdict(await loadScenario('scenarios/wire-bounds-worker.yaml')));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('no-lost-work');
  });
});
