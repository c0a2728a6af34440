/**
 * The JSON depth limit at its boundary (blind set 12 #30; promise 29,
 * harness/check/promises-json-depth.ts): adversarial-clients' HTTP adversary
 * POSTs bodies nested at the limit and one level past it. A depth check one
 * level late (planted by a module mock local to this file: the real check
 * with the limit raised by one) lets the deeper body through and is caught.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as JsonLimits from '../../system/core/json-limits.js';
import { simVerdict } from './broken/verdict.js';

const state = vi.hoisted(() => ({ broken: false }));

vi.mock('../../system/core/json-limits.js', async (importOriginal) => {
  const real = await importOriginal<typeof JsonLimits>();
  const checkJsonLimits: typeof real.checkJsonLimits = (value, root, maxDepth = real.MAX_JSON_DEPTH, maxNodes) =>
    real.checkJsonLimits(value, root, state.broken ? maxDepth + 1 : maxDepth, maxNodes);
  return { ...real, checkJsonLimits };
});

describe('JSON bodies nest at most 64 levels, exactly (set 12 #30)', () => {
  it('adversarial-clients passes, and a depth check one level late is caught', async () => {
    const scenario = await loadScenario('scenarios/adversarial-clients.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    state.broken = true;
    try {
      const v = await simVerdict(scenario);
      expect(v.promises).toEqual(['api-contract']);
      expect(v.text).toMatch(/a JSON body nested 65 levels \(the limit is 64\) was answered 400 invalid_argument \(path a\): a body nested deeper than 64 levels must be refused/);
    } finally {
      state.broken = false;
    }
  });
});
