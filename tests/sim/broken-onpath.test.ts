/**
 * On-path adversaries (harness/scenario/adversary-onpath.ts) judged by
 * promise 8 (harness/check/promises-onpath.ts): scenarios/adversarial-clients.yaml
 * passes on the real system, and each attack is shown catching a defect it
 * exists for, each a module mock local to this file:
 *  - skip-proof-on-resume: the worker checks the coordinator's proof only on
 *    a new session, so an impostor answering `registered {resumed: true}`
 *    is believed and its assign runs (impostor-coordinator);
 *  - crc-on-signed: a signing session also takes frames that carry only a
 *    crc trailer, so an on-path attacker's unsigned result and ack are acted
 *    on (injected-crc, injected-ack);
 *  - no-compression: the handshake MACs leave the welcome's compression
 *    flag out, so a welcome edited in flight still registers (edited-welcome);
 *  - missing-proof: the worker takes a `registered` without a proof as one
 *    from a coordinator without a secret (impostor-coordinator, proof left out);
 *  - no-sign-flag: the MACs leave signMessages out; the signature check
 *    stops the session later, but the coordinator registered the victim on
 *    an edited welcome (edited-welcome);
 *  - last-committed (./broken/session-variants.ts): the coordinator session
 *    admits a copy of its newest committed seq (`<` for `<=`), so a frame
 *    replayed in the session is handed to the engine twice (replayed-frame,
 *    promise 11 delivery);
 *  - lastSeqAdmitted (./broken/dedupe-variants.ts, blind set 10 #22): the
 *    worker's channel does the same with the latest coordinator seq, so the
 *    coordinator's frame replayed into the worker's stream is handled twice.
 */
import { describe, expect, it, vi } from 'vitest';
import { formatViolation } from '../../harness/check/violation.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import type * as Codec from '../../system/protocol/codec.js';
import type * as Handshake from '../../system/protocol/handshake.js';
import type * as WorkerHandshake from '../../system/worker/handshake.js';
import type { SimWiring } from '../../harness/sim/index.js';
import { lastSeqAdmitted } from './broken/dedupe-variants.js';
import { brokenSession } from './broken/session-variants.js';

type Broken = 'none' | 'skip-proof-on-resume' | 'crc-on-signed' | 'no-compression' | 'missing-proof' | 'no-sign-flag';
const state = vi.hoisted(() => ({ broken: 'none' as string }));

vi.mock('../../system/worker/handshake.js', async (importOriginal) => {
  const real = await importOriginal<typeof WorkerHandshake>();
  const checkCoordinatorProof: typeof real.checkCoordinatorProof = (secret, welcome, clientNonce, r) =>
    (state.broken === 'skip-proof-on-resume' && r.resumed) || (state.broken === 'missing-proof' && r.proof === undefined)
      ? undefined
      : real.checkCoordinatorProof(secret, welcome, clientNonce, r);
  return { ...real, checkCoordinatorProof };
});

vi.mock('../../system/protocol/codec.js', async (importOriginal) => {
  const real = await importOriginal<typeof Codec>();
  const crcOnly = (frame: string): boolean => state.broken === 'crc-on-signed' && /,"crc":"[0-9a-f]{8}"\}$/.test(frame);
  const decodeToCoordinator: typeof real.decodeToCoordinator = (frame, max, key) => real.decodeToCoordinator(frame, max, crcOnly(frame) ? undefined : key);
  const decodeToWorker: typeof real.decodeToWorker = (frame, max, key) => real.decodeToWorker(frame, max, crcOnly(frame) ? undefined : key);
  return { ...real, decodeToCoordinator, decodeToWorker };
});

vi.mock('../../system/protocol/handshake.js', async (importOriginal) => {
  const real = await importOriginal<typeof Handshake>();
  // The defect: the transcript leaves compression (or signMessages) out, the same as binding a constant.
  const w = <T extends { compression: boolean; signMessages: boolean }>(x: T): T =>
    state.broken === 'no-compression' ? { ...x, compression: true } : state.broken === 'no-sign-flag' ? { ...x, signMessages: true } : x;
  const registrationMac: typeof real.registrationMac = (secret, welcome, reg) => real.registrationMac(secret, w(welcome), reg);
  const coordinatorProof: typeof real.coordinatorProof = (secret, welcome, nonce, r) => real.coordinatorProof(secret, w(welcome), nonce, r);
  return { ...real, registrationMac, coordinatorProof };
});

async function story(broken: Broken, wiring?: SimWiring): Promise<{ passed: boolean; text: string; promises: string[]; notes: Record<string, number>; marks: Record<string, number> }> {
  state.broken = broken;
  try {
    const r = await runChecked(await loadScenario('scenarios/adversarial-clients.yaml'), { seed: 1, ...(wiring === undefined ? {} : { wiring }) });
    const notes: Record<string, number> = {};
    for (const x of r.outcome.history) if (x.f === 'note' && x.process === 'adversary') notes[String(x.value.attack)] = (notes[String(x.value.attack)] ?? 0) + 1;
    return {
      passed: r.passed,
      text: r.violations.map(formatViolation).join('\n'),
      promises: [...new Set(r.violations.map((v) => v.promise.name))],
      notes,
      marks: r.outcome.marks,
    };
  } finally {
    state.broken = 'none';
  }
}

describe('on-path adversaries', () => {
  it('are fielded and refused by the real system', async () => {
    const v = await story('none');
    expect(v.text).toBe('');
    expect(v.passed).toBe(true);
    // Not vacuous: every on-path attack happened, and was refused where it should be.
    for (const a of ['injected-crc', 'injected-ack', 'replayed-frame', 'edited-welcome', 'impostor-coordinator']) expect(v.notes[a] ?? 0, a).toBeGreaterThan(0);
    expect(v.marks['worker.impostor-rejected']).toBeGreaterThan(0);
    expect(v.marks['coordinator.signature-refused']).toBeGreaterThan(0);
    expect(v.marks['coordinator.registration-refused']).toBeGreaterThan(0);
    // The replay into w1's stream reached it and was dropped as a duplicate.
    expect(v.marks['worker.duplicate-dropped']).toBeGreaterThan(0);
  });

  it('catches a worker that skips the proof when registered says resumed (impostor-coordinator)', async () => {
    const v = await story('skip-proof-on-resume');
    expect(v.promises).toContain('auth');
    expect(v.text).toMatch(/w1 took an impostor coordinator's registered .* as genuine/);
    expect(v.text).toMatch(/w1 acted on an assign from an impostor coordinator/);
  });

  it('catches a signing session that accepts crc-only frames (injected-crc, injected-ack)', async () => {
    const v = await story('crc-on-signed');
    expect(v.promises).toContain('auth');
    expect(v.text).toMatch(/an unsigned frame \(injected-crc\) injected into w1's signing session .* was not refused/);
    expect(v.text).toMatch(/an unsigned frame \(injected-ack\) injected into w1's signing session .* was not refused/);
  });

  it('catches handshake MACs that leave the compression flag out (edited-welcome)', async () => {
    const v = await story('no-compression');
    expect(v.promises).toContain('auth');
    expect(v.text).toMatch(/w1 registered \(worker_registered\) at .* after a welcome edited in flight \(compression: true -> false\)/);
  });

  it('catches a worker that takes a registered without any proof (impostor-coordinator)', async () => {
    const v = await story('missing-proof');
    expect(v.promises).toContain('auth');
    expect(v.text).toMatch(/w1 took an impostor coordinator's registered \(missing proof, resumed: true\)/);
  });

  it('catches handshake MACs that leave signMessages out, though the signature check stops the session (edited-welcome)', async () => {
    const v = await story('no-sign-flag');
    expect(v.promises).toContain('auth');
    expect(v.text).toMatch(/w1 registered \(worker_registered\) at .* after a welcome edited in flight \(signMessages: true -> false\)/);
  });

  it('catches a session that admits a copy of its newest committed seq (replayed-frame)', async () => {
    const v = await story('none', { coordinatorPolicies: brokenSession('last-committed') });
    expect(v.promises).toContain('delivery');
    expect(v.text).toMatch(/to_coordinator w1 session \S+: seq \d+ \(.*\) handed over again after seq \d+: a duplicate reached the coordinator's logic/);
  });

  it("catches a worker channel that admits a copy of the latest coordinator seq it handled (replayed-frame to the worker)", async () => {
    const v = await story('none', { onWorker: lastSeqAdmitted });
    expect(v.promises).toContain('delivery');
    expect(v.text).toMatch(/to_worker w1 session \S+: seq (\d+) \(.*\) handed over again after seq \1: a duplicate reached the w1's logic/);
  });
});
