/**
 * Promise 8 against adversarial clients (issue 10): scenarios/adversarial-clients.yaml
 * passes on the real coordinator; with the registration check broken (a
 * module mock local to this file, as tests/check/broken-backoff.test.ts does
 * for backoff) the adversary's registration is acted on and the checker says
 * so under `auth`. Two real defects: a registration without a MAC accepted
 * (the check skipped when the field is absent) and a MAC accepted for any
 * nonce this coordinator ever issued (nonces not single-use: replay). And
 * set 10 #28, the codec's frame limit counted in UTF-16 code units instead of
 * UTF-8 bytes: the adversary's frame just above the limit in bytes (below it
 * in units) is taken for one that fits. And set 11 #27, a frame of exactly
 * maxFrameBytes refused (`>=` for `>`): the adversary's probe at the limit.
 */
import { describe, expect, it, vi } from 'vitest';
import { formatViolation } from '../../harness/check/violation.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import type * as Auth from '../../system/coordinator/auth.js';
import type * as Codec from '../../system/protocol/codec.js';
import type { Welcome } from '../../system/protocol/messages.js';

const state = vi.hoisted(() => ({ broken: 'none' as 'none' | 'missing-mac' | 'any-nonce' | 'utf16-limit' | 'limit-exclusive', welcomes: [] as Welcome[] }));

vi.mock('../../system/protocol/codec.js', async (importOriginal) => {
  const real = await importOriginal<typeof Codec>();
  // The limit compared with the string's length (UTF-16 units): a frame within it in units passes whatever its bytes.
  const decodeToCoordinator: typeof real.decodeToCoordinator = (frame, maxFrameBytes, verifyKey) => {
    let limit = state.broken === 'utf16-limit' && maxFrameBytes !== undefined && frame.length <= maxFrameBytes ? Number.MAX_SAFE_INTEGER : maxFrameBytes;
    // `>=` for `>` (set 11 #27): a frame of exactly maxFrameBytes is refused as too large.
    if (state.broken === 'limit-exclusive' && maxFrameBytes !== undefined && Buffer.byteLength(frame, 'utf8') === maxFrameBytes) limit = maxFrameBytes - 1;
    return real.decodeToCoordinator(frame, limit, verifyKey);
  };
  return { ...real, decodeToCoordinator };
});

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

async function authStory(broken: typeof state.broken): Promise<{ passed: boolean; text: string; promises: string[]; refusedByAuth: number; tooLarge: number }> {
  state.broken = broken;
  state.welcomes = [];
  try {
    const s = await loadScenario('scenarios/adversarial-clients.yaml');
    const r = await runChecked(s, { seed: 1 });
    const refusedByAuth = r.outcome.history.filter((x) => x.f === 'auth_failed').length;
    const tooLarge = r.outcome.history.filter((x) => x.f === 'protocol_error' && x.value.code === 'too_large').length;
    return { passed: r.passed, text: r.violations.map(formatViolation).join('\n'), promises: [...new Set(r.violations.map((v) => v.promise.name))], refusedByAuth, tooLarge };
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
    // The oversized-frame probe above the limit was refused as too large.
    expect(v.tooLarge).toBeGreaterThan(0);
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
  it('catches a frame limit counted in UTF-16 units instead of UTF-8 bytes (set 10 #28)', async () => {
    const v = await authStory('utf16-limit');
    expect(v.promises).toContain('auth');
    expect(v.text).toMatch(/a frame of 65552 UTF-8 bytes \(65488 UTF-16 units\) .* the limit 65536 bytes, was refused as malformed, not as too_large: the frame limit counts UTF-8 bytes/);
  });
  it('catches a frame of exactly maxFrameBytes refused as too large (set 11 #27)', async () => {
    const v = await authStory('limit-exclusive');
    expect(v.promises).toContain('auth');
    expect(v.text).toMatch(/a frame of 65536 UTF-8 bytes \(\d+ UTF-16 units\) .* the limit 65536 bytes, was refused as too_large though it fits the limit/);
  });
});
