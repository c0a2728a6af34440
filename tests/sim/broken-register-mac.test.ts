/**
 * The register MAC covers every field of the register (blind set 12 #26;
 * promise 8, harness/check/promises-onpath.ts): adversarial-clients' on-path
 * `edited-register` attack (harness/scenario/adversary-register.ts) edits
 * resume.lastSeq, clientNonce, the capabilities and resume.sessionId of the
 * victim's register in flight; each registration must fail. A MAC that
 * leaves resume.lastSeq out (planted by a module mock local to this file,
 * on both sides, as a shared helper would be) lets the edited resume point
 * through and is caught.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as Handshake from '../../system/protocol/handshake.js';
import { simVerdict } from './broken/verdict.js';

const state = vi.hoisted(() => ({ broken: false }));

vi.mock('../../system/protocol/handshake.js', async (importOriginal) => {
  const real = await importOriginal<typeof Handshake>();
  const registrationMac: typeof real.registrationMac = (secret, welcome, reg) =>
    real.registrationMac(secret, welcome, state.broken && reg.resume !== undefined ? { ...reg, resume: { ...reg.resume, lastSeq: 0 } } : reg);
  return { ...real, registrationMac };
});

describe('the register MAC covers resume.lastSeq (set 12 #26)', () => {
  it('adversarial-clients passes, and a MAC without the resume point is caught', async () => {
    const scenario = await loadScenario('scenarios/adversarial-clients.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    state.broken = true;
    try {
      const v = await simVerdict(scenario);
      expect(v.promises).toContain('auth');
      expect(v.text).toMatch(/w1 registered \(worker_registered\) at t=\d+ after its register was edited in flight \(resume\.lastSeq: \d+ -> \d+\) at t=\d+: the handshake MACs do not cover that field/);
    } finally {
      state.broken = false;
    }
  });
});
