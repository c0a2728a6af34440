/**
 * Blind set 16's recovery, connection and log-limit misses, by class: each
 * broken variant (tests/sim/broken/set16-edges-variants.ts) is caught under
 * the promise named, while the real system passes at the same seed.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as Recovery from '../../system/engine/recovery.js';
import type * as Early from '../../system/transport/early-frames.js';
import { withLimiterOneOver } from './broken/set16-edges-variants.js';
import { simVerdict } from './broken/verdict.js';

const state = vi.hoisted(() => ({ broken: 'none' as 'none' | 'first-claim' | 'drop-early' }));

vi.mock('../../system/transport/early-frames.js', async (importOriginal) => {
  const real = await importOriginal<typeof Early>();
  // Set 16 #28: frames that arrive before attach() are lost (the buffer cleared before it is replayed), in
  // the production connection and the simulated one alike, since both run early-frames.ts.
  class DroppingEarlyFrames extends real.EarlyFrames {
    override frame(frame: string): void {
      if (state.broken === 'drop-early' && !this.attached) return;
      super.frame(frame);
    }
  }
  return { ...real, EarlyFrames: DroppingEarlyFrames };
});

vi.mock('../../system/engine/recovery.js', async (importOriginal) => {
  const real = await importOriginal<typeof Recovery>();
  // Set 16 #27: a reloaded attempt not yet running counts its timeout from the FIRST `preparing` entry (attempt 1's claim).
  const attemptSince: typeof real.attemptSince = (rec) =>
    state.broken === 'first-claim' && !(rec.status === 'running' && rec.startedAt !== undefined) ? rec.statusHistory.slice().find((s) => s.status === 'preparing')?.at : real.attemptSince(rec);
  return { ...real, attemptSince };
});

describe('blind set 16 edges', () => {
  it("restart-retried: a reloaded attempt 2's timeout counted from attempt 1's claim (timeouts)", { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/restart-retried.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    state.broken = 'first-claim';
    try {
      const broken = await simVerdict(scenario);
      expect(broken.passed).toBe(false);
      expect(broken.promises).toContain('timeouts');
      expect(broken.text).toMatch(/lease \S+ \(attempt 2, w1\) was timed out by the coordinator at t=\d+, \d+ ms after its claim \(t=\d+\), never started: its timeoutMs \+ grace \(2300 ms\) count from this attempt's own claim/);
    } finally {
      state.broken = 'none';
    }
  });

  it("lone-worker: frames before attach dropped: the worker's welcome is lost and it never registers (no-lost-work, liveness)", { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/lone-worker.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    state.broken = 'drop-early';
    try {
      const broken = await simVerdict(scenario);
      expect(broken.passed).toBe(false);
      expect(broken.promises).toContain('no-lost-work');
      expect(broken.promises).toContain('liveness');
      expect(broken.text).toMatch(/acknowledged at t=\d+ but never reached a terminal state/);
    } finally {
      state.broken = 'none';
    }
  });

  it("backoff-cap: a worker's connect-failure log letting 6 lines through per 30 s instead of 5 (auth)", { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/backoff-cap.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await withLimiterOneOver(() => simVerdict(scenario), 5);
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('auth');
    expect(broken.text).toMatch(/w\d+ logged a connect line at t=\d+ that its limit \(at most 5 lines per key per 30 s\) suppresses/);
  });

  it('adversarial-clients: a log limiter letting perWindow + 1 lines through per window (auth)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/adversarial-clients.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await withLimiterOneOver(() => simVerdict(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('auth');
    expect(broken.text).toMatch(/the coordinator logged a auth_failed line at t=\d+ that its limit \(at most 10 lines per key per 10 s\) suppresses/);
  });
});
