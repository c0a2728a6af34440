/**
 * Promise 9 judges each backoff draw against bounds it computes itself
 * (harness/check/promises-backoff.ts referenceBounds), not only against the
 * bounds the worker reports: with the exponent off by one (the first retry
 * already drawn from initialMs * multiplier) the worker's delays stay inside
 * its own, wrong, bounds. A module mock local to this file plants that
 * defect in what the worker imports from system/worker/backoff.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as Backoff from '../../system/worker/backoff.js';
import { simVerdict } from './broken/verdict.js';

const state = vi.hoisted(() => ({ broken: false }));

vi.mock('../../system/worker/backoff.js', async (importOriginal) => {
  const real = await importOriginal<typeof Backoff>();
  const shift = (attempt: number): number => (state.broken ? attempt + 1 : attempt);
  const backoffBounds: typeof real.backoffBounds = (strategy, cfg, attempt, prev) => real.backoffBounds(strategy, cfg, shift(attempt), prev);
  const backoffDelay: typeof real.backoffDelay = (cfg, attempt, random, prev) => real.backoffDelay(cfg, shift(attempt), random, prev);
  return { ...real, backoffBounds, backoffDelay };
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
});
