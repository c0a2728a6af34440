/**
 * Promise 8 against adversarial clients (issue 10): scenarios/adversarial-clients.yaml
 * passes on the real coordinator; with the registration check broken (a
 * module mock local to this file, as tests/check/broken-backoff.test.ts does
 * for backoff) the adversary's registration is acted on and the checker says
 * so under `auth`. Two real defects: a registration without a MAC accepted
 * (the check skipped when the field is absent) and a MAC accepted for any
 * nonce this coordinator ever issued (nonces not single-use: replay).
 */
import { describe, expect, it, vi } from 'vitest';
import { formatViolation } from '../../harness/check/violation.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import type * as Auth from '../../system/coordinator/auth.js';
import type { Welcome } from '../../system/protocol/messages.js';

const state = vi.hoisted(() => ({ broken: 'none' as 'none' | 'missing-mac' | 'any-nonce', welcomes: [] as Welcome[] }));

vi.mock('../../system/coordinator/auth.js', async (importOriginal) => {
  const real = await importOriginal<typeof Auth>();
  const hs = await import('../../system/protocol/handshake.js');
  const authenticate: typeof real.authenticate = (secret, welcome, msg) => {
    state.welcomes.push(welcome);
    if (state.broken === 'missing-mac' && msg.auth === undefined) return { ok: true, signKey: undefined };
    if (state.broken === 'any-nonce' && secret !== undefined && msg.auth !== undefined) {
      const seen = state.welcomes.find((w) => hs.registrationMac(secret, w, msg) === msg.auth?.mac);
      if (seen !== undefined) return { ok: true, signKey: seen.signMessages ? hs.sessionSigningKey(secret, seen.nonce, msg.clientNonce) : undefined };
    }
    return real.authenticate(secret, welcome, msg);
  };
  return { ...real, authenticate };
});

async function authStory(broken: typeof state.broken): Promise<{ passed: boolean; text: string; promises: string[]; refusedByAuth: number }> {
  state.broken = broken;
  state.welcomes = [];
  try {
    const s = await loadScenario('scenarios/adversarial-clients.yaml');
    const r = await runChecked(s, { seed: 1 });
    const refusedByAuth = r.outcome.history.filter((x) => x.f === 'auth_failed').length;
    return { passed: r.passed, text: r.violations.map(formatViolation).join('\n'), promises: [...new Set(r.violations.map((v) => v.promise.name))], refusedByAuth };
  } finally {
    state.broken = 'none';
  }
}

describe('adversarial clients', () => {
  it('the real coordinator acts on nothing they send', async () => {
    const v = await authStory('none');
    expect(v.text).toBe('');
    expect(v.passed).toBe(true);
    // Not vacuous: the registration attacks reached authenticate and were refused there.
    expect(v.refusedByAuth).toBeGreaterThan(0);
  });
  it('catches a registration without a MAC being accepted', async () => {
    const v = await authStory('missing-mac');
    expect(v.promises).toContain('auth');
    expect(v.text).toMatch(/no-mac registration as w1 .* was acted on/);
  });
  it('catches a MAC replayed from another connection being accepted', async () => {
    const v = await authStory('any-nonce');
    expect(v.promises).toContain('auth');
    expect(v.text).toMatch(/replayed-mac registration as w1 .* was acted on/);
  });
});
