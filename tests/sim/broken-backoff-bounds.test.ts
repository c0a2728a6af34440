/**
 * Promise 9 judges each backoff draw against bounds it computes itself
 * (harness/check/promises-backoff.ts referenceBounds), not only against the
 * bounds the worker reports: with the exponent off by one (the first retry
 * already drawn from initialMs * multiplier) the worker's delays stay inside
 * its own, wrong, bounds. Set 5 #23, decorrelated jitter that forgets the
 * maxMs cap (draws in [initialMs, 3 * prev] however large), is caught at
 * backoff-cap, whose decorrelated group reaches the cap. A module mock local
 * to this file plants each defect in what the worker imports from
 * system/worker/backoff.ts. So does the handshake deadline grown linearly
 * (blind set 10 #27), equal to doubling for two timeouts in a row: backoff-cap
 * blackholes w1 and w2 for a dozen (promises-handshake.ts).
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as Backoff from '../../system/worker/backoff.js';
import { simVerdict } from './broken/verdict.js';

const state = vi.hoisted(() => ({ broken: false, uncapped: false, linearDeadline: false }));

vi.mock('../../system/worker/backoff.js', async (importOriginal) => {
  const real = await importOriginal<typeof Backoff>();
  const shift = (attempt: number): number => (state.broken ? attempt + 1 : attempt);
  const backoffBounds: typeof real.backoffBounds = (strategy, cfg, attempt, prev) => {
    if (!state.uncapped || strategy !== 'decorrelated-jitter') return real.backoffBounds(strategy, cfg, shift(attempt), prev);
    // Set 5 #23: min(maxMs, ...) left out of the decorrelated upper bound.
    const base = Math.min(cfg.initialMs, cfg.maxMs);
    return { floorMs: base, capMs: Math.max(base, (prev !== undefined && prev > 0 ? prev : base) * 3) };
  };
  const backoffDelay: typeof real.backoffDelay = (cfg, attempt, random, prev) => {
    if (!state.uncapped || cfg.strategy !== 'decorrelated-jitter') return real.backoffDelay(cfg, shift(attempt), random, prev);
    const { floorMs, capMs } = backoffBounds(cfg.strategy, cfg, attempt, prev);
    return floorMs + random.float() * (capMs - floorMs);
  };
  // Blind set 10 #27: the handshake deadline grown linearly (base * 2 * timeouts) instead of doubled per timeout.
  const handshakeDeadline: typeof real.handshakeDeadline = (baseMs, maxMs, timeouts) =>
    state.linearDeadline && timeouts > 0 ? Math.min(maxMs, baseMs * 2 * timeouts) : real.handshakeDeadline(baseMs, maxMs, timeouts);
  return { ...real, backoffBounds, backoffDelay, handshakeDeadline };
});

describe('backoff bounds judged independently of the worker', () => {
  it('flapping-link passes with the real backoff, and an exponent off by one is caught', async () => {
    const scenario = await loadScenario('scenarios/flapping-link.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    state.broken = true;
    try {
      const v = await simVerdict(scenario);
      expect(v.promises).toContain('backoff');
      expect(v.text).toMatch(/attempt 1 drew from \[0, 100\] ms; full-jitter with initialMs 50, multiplier 2, maxMs \d+ asks for \[0, 50\]/);
    } finally {
      state.broken = false;
    }
  });

  it('backoff-cap catches decorrelated jitter that forgets the maxMs cap (Set 5 #23)', async () => {
    // backoff-cap passes on the real backoff in tests/sim/backoff-cap.test.ts.
    const scenario = await loadScenario('scenarios/backoff-cap.yaml');
    state.uncapped = true;
    try {
      const v = await simVerdict(scenario);
      expect(v.promises).toEqual(expect.arrayContaining(['backoff']));
      expect(v.text).toMatch(/cap \d+(\.\d+)? ms above the configured maximum 300 ms/);
      expect(v.text).toMatch(/decorrelated-jitter with initialMs 20, multiplier 2, maxMs 300, after a delay of \d+(\.\d+)? ms asks for \[20, 300\]/);
    } finally {
      state.uncapped = false;
    }
  });

  it('backoff-cap catches a handshake deadline grown linearly, not doubled (set 10 #27)', async () => {
    const scenario = await loadScenario('scenarios/backoff-cap.yaml');
    state.linearDeadline = true;
    try {
      const v = await simVerdict(scenario);
      expect(v.promises).toEqual(['backoff']);
      expect(v.text).toMatch(/w[12]'s connection attempt \d+ at t=\d+ has a handshake deadline of 1500 ms after 3 consecutive handshake timeout\(s\); handshakeTimeoutMs 250 doubled per timeout, at most handshakeTimeoutMaxMs 4000, gives 2000 ms/);
    } finally {
      state.linearDeadline = false;
    }
  });
});
