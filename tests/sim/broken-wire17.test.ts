/**
 * Blind set 17's wire defects (#15, #21, #23) as broken variants
 * (./broken/wire17-variants.ts; #21 by vi.mock below): scenario wire-frames
 * passes on the real system and fails under promise 38 (wire) with the
 * defect planted. Their rules: tests/check/wire-frames-promise.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import type * as WorkerCommand from '../../system/cli/worker.js';
import type * as WorkerConfig from '../../system/worker/config.js';
import type * as WorkerTypes from '../../system/worker/worker-types.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { withBinaryReadAsText, withCaTrustingAnything } from './broken/wire17-variants.js';
import { simVerdict } from './broken/verdict.js';

const state = vi.hoisted(() => ({ threeDigitHints: false, caDropped: false, cliCaDropped: false }));

// Set 17 #21: the hint's digits read at most three at a time (2500 → 250, 12000 → 120).
vi.mock('../../system/worker/worker-types.js', async (importOriginal) => {
  const real = await importOriginal<typeof WorkerTypes>();
  const parseRetryAfter: typeof real.parseRetryAfter = (reason) => real.parseRetryAfter(state.threeDigitHints ? reason.replace(/retry-after=(\d{1,3})\d*/, 'retry-after=$1') : reason);
  return { ...real, parseRetryAfter };
});

// The worker's --tls-ca lost between its flags and its connects (the resolved config without it).
vi.mock('../../system/worker/config.js', async (importOriginal) => {
  const real = await importOriginal<typeof WorkerConfig>();
  const workerConfigWithDefaults: typeof real.workerConfigWithDefaults = (o) => ({ ...real.workerConfigWithDefaults(o), ...(state.caDropped ? { tlsCa: undefined } : {}) });
  return { ...real, workerConfigWithDefaults };
});

// `squall worker --tls-ca` read but never put in the worker's config (the command's own flags-to-config step).
vi.mock('../../system/cli/worker.js', async (importOriginal) => {
  const real = await importOriginal<typeof WorkerCommand>();
  const workerConfigFromFlags: typeof real.workerConfigFromFlags = (flags) => {
    const config = real.workerConfigFromFlags(flags);
    if (!state.cliCaDropped) return config;
    const { tlsCa: _dropped, ...rest } = config;
    return rest;
  };
  return { ...real, workerConfigFromFlags };
});

describe('blind set 17: the wire\'s frame types, hints and TLS trust', () => {
  it('wire-frames: binary frames read as UTF-8 text on both sides instead of refused with 1003 (wire; set 17 #15)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/wire-frames.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await withBinaryReadAsText(() => simVerdict(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('wire');
    expect(broken.text).toMatch(/coordinator received a binary frame from adversary on c\d+ at t=\d+ and handed it to its logic as text/);
    expect(broken.text).toMatch(/w1 received a binary frame from adversary on c\d+ at t=\d+ and (handed it to its logic as text|did not close the connection)/);
  });

  it('wire-frames: a 4503 hint read to three digits, so 2500 and 12000 send the worker back at once (wire; set 17 #21)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/wire-frames.yaml');
    state.threeDigitHints = true;
    try {
      const broken = await simVerdict(scenario);
      expect(broken.passed).toBe(false);
      expect(broken.promises).toContain('wire');
      expect(broken.text).toMatch(/w1 was refused with 4503 retry-after=2500 at t=\d+ but tried to connect again \d+ ms later \(t=\d+\): a refused worker waits at least 2500 ms/);
      expect(broken.text).toMatch(/w1 was refused with 4503 retry-after=12000 at t=\d+ but tried to connect again \d+ ms later \(t=\d+\): a refused worker waits at least 5333\.3 ms/);
    } finally {
      state.threeDigitHints = false;
    }
  });

  it('overload-hints: the coordinator\'s own 4-digit hints read to three digits, so its herd comes back 10x sooner (wire; set 17 #21)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/overload-hints.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    state.threeDigitHints = true;
    try {
      const broken = await simVerdict(scenario);
      expect(broken.passed).toBe(false);
      expect(broken.promises).toContain('wire');
      expect(broken.text).toMatch(/w\d+ was refused with 4503 retry-after=\d{4,5} at t=\d+ but tried to connect again \d+ ms later \(t=\d+\): a refused worker waits at least \d+/);
    } finally {
      state.threeDigitHints = false;
    }
  });

  it('wire-frames: a connect given a CA (--tls-ca) accepts any certificate (wire; set 17 #23)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/wire-frames.yaml');
    const broken = await withCaTrustingAnything(() => simVerdict(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('wire');
    expect(broken.text).toMatch(/w\d's connect to wss:\/\/coordinator:7000\/ws at t=0 \(given a CA, --tls-ca\) sets rejectUnauthorized: false/);
  });

  it('adversarial-clients: `squall worker --tls-ca` never reaches the connect, which trusts the system roots (auth: the deployment probe)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/adversarial-clients.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    state.cliCaDropped = true;
    try {
      const broken = await simVerdict(scenario);
      expect(broken.passed).toBe(false);
      expect(broken.promises).toContain('auth');
      expect(broken.text).toMatch(/worker-tls "wss:\/\/coordinator\.example:7443 with --tls-ca ca\.pem: scheme, trusted roots, certificate, host name": \["wss:","system roots","verified","host name checked"\], but the README documents \["wss:","the --tls-ca file"/);
    } finally {
      state.cliCaDropped = false;
    }
  });

  it('wire-frames: a worker\'s --tls-ca never reaches its connects, which trust the system roots instead (wire)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/wire-frames.yaml');
    state.caDropped = true;
    try {
      const broken = await simVerdict(scenario);
      expect(broken.passed).toBe(false);
      expect(broken.promises).toContain('wire');
      expect(broken.text).toMatch(/w1 was given a CA \(--tls-ca\) but connected at t=0 without it/);
    } finally {
      state.caDropped = false;
    }
  });
});
