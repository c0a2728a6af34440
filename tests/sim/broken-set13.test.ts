/**
 * Blind set 13's worker/engine/timer edges, each as a broken variant
 * (./broken/set13-variants.ts): the scenario passes on the real system and
 * fails naming the promise with the defect planted.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { advertisesEveryKind, lingersAfterDrainTimeout, shortLongTimers, withLimiterForgettingSuppressed, withUnitTrimmedCloseReasons } from './broken/set13-variants.js';
import { simVerdict } from './broken/verdict.js';

describe('blind set 13 edges', () => {
  it('allowed-kinds: a worker advertising command it was not allowed is given command work (capacity)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/allowed-kinds.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await simVerdict(scenario, { onWorker: advertisesEveryKind });
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('capacity');
    expect(broken.text).toMatch(/\(kind command\) was claimed for w[23], which was started allowing \[\]/);
  });

  it('drain-gives-up: a drain that timed out keeps the worker max(timeout, grace) instead of min (drain)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/drain-gives-up.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await simVerdict(scenario, { onWorker: lingersAfterDrainTimeout });
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('drain');
    expect(broken.text).toMatch(/w1 stopped at t=3500 after its drain \(begun t=1000, timeoutMs 500\) times out at t=1500: .* so it stops by t=2000/);
  });

  it('month-long-drain: a 30-day drain timer whose last step is cut short gives up at ~24.8 days (drain)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/month-long-drain.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await simVerdict(scenario, { workerDeps: shortLongTimers });
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('drain');
    expect(broken.text).toMatch(/w1 stopped at t=214748\d+ after its drain \(begun t=1000, timeoutMs 2592000000\) .* it gave up \d+ ms before its timeout/);
  });

  it('adversarial-clients: a multi-byte close reason trimmed by UTF-16 units makes close() throw, the refused connection stays open (auth)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/adversarial-clients.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await withUnitTrimmedCloseReasons(() => simVerdict(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('auth');
    expect(broken.text).toMatch(/refused an adversary's frame of an unknown multi-byte type at t=\d+ \(unknown_type, close 4404\), but the connection was never closed/);
  });

  it('adversarial-clients: a log limiter that never reports what it suppressed (auth)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/adversarial-clients.yaml');
    const broken = await withLimiterForgettingSuppressed(() => simVerdict(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('auth');
    expect(broken.text).toMatch(/the coordinator's log accounts for 11 of \d+ auth_failed refusals by t=\d+ \(11 lines logged, 0 reported suppressed\)/);
  });
});
