/**
 * The on-path adversary (attack `injected-sig`, harness/scenario/adversary.ts)
 * writes a well-formed result, signed with a key captured from an earlier
 * connection, into the victim's own live connection: it is not refused as
 * malformed or out of order, so it reaches the coordinator's signature check.
 * scenarios/adversarial-clients.yaml passes on the real coordinator, whose
 * check refuses it (protocol_error bad_signature, close 4402). With the check
 * broken (a module mock local to this file: the signature trailer is stripped
 * and never compared) the forged `completed` is recorded, and promise 8 says
 * so under `auth`: a result its lease holder never sent.
 */
import { describe, expect, it, vi } from 'vitest';
import { formatViolation } from '../../harness/check/violation.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import type * as Codec from '../../system/protocol/codec.js';

const state = vi.hoisted(() => ({ skipVerify: false }));

vi.mock('../../system/protocol/codec.js', async (importOriginal) => {
  const real = await importOriginal<typeof Codec>();
  const decodeToCoordinator: typeof real.decodeToCoordinator = (frame, max, key) => {
    if (!state.skipVerify || key === undefined) return real.decodeToCoordinator(frame, max, key);
    // The defect: whatever signature the frame carries, re-sign it with our key and accept it.
    const obj = JSON.parse(frame) as Record<string, unknown>;
    delete obj.sig;
    return real.decodeToCoordinator(real.encode(obj as never, key), max, key);
  };
  return { ...real, decodeToCoordinator };
});

async function story(skipVerify: boolean): Promise<{ passed: boolean; text: string; promises: string[]; badSignatures: number; injected: number }> {
  state.skipVerify = skipVerify;
  try {
    const r = await runChecked(await loadScenario('scenarios/adversarial-clients.yaml'), { seed: 1 });
    const h = r.outcome.history;
    return {
      passed: r.passed,
      text: r.violations.map(formatViolation).join('\n'),
      promises: [...new Set(r.violations.map((v) => v.promise.name))],
      badSignatures: h.filter((x) => x.f === 'protocol_error' && x.value.code === 'bad_signature').length,
      injected: h.filter((x) => x.f === 'note' && x.value.attack === 'injected-sig').length,
    };
  } finally {
    state.skipVerify = false;
  }
}

describe('injected frames with a captured signature key', () => {
  it('reach the real coordinator signature check and are refused there', async () => {
    const v = await story(false);
    expect(v.text).toBe('');
    expect(v.passed).toBe(true);
    expect(v.injected).toBeGreaterThan(0);
    // Not vacuous: every injected frame got as far as the signature check.
    expect(v.badSignatures).toBeGreaterThanOrEqual(v.injected);
  });

  it('catches a coordinator that does not verify signatures (promise 8, auth)', async () => {
    const v = await story(true);
    expect(v.passed).toBe(false);
    expect(v.promises).toContain('auth');
    expect(v.text).toMatch(/a completed result was recorded for w1's lease .* that its holder never sent/);
  });
});
