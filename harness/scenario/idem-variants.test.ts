import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../system/core/index.js';
import { canonicalJson } from '../check/promises-reload.js';
import { deeplyChanged, nestedJson, reordered, variedPayload, type VariedPayload } from './idem-variants.js';

describe('generated idempotent repeats', () => {
  it('reorders members at every depth without changing the value, and a deep change changes it below the top level', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const r = seededRandom(seed);
      const v = nestedJson(r, 3);
      const again = reordered(v, r);
      expect(canonicalJson(again)).toBe(canonicalJson(v));
      const changed = deeplyChanged(v, r);
      expect(canonicalJson(changed)).not.toBe(canonicalJson(v));
      // The top level keeps its members: the change is inside (what a top-level comparison misses).
      expect(Object.keys(changed).sort()).toEqual(Object.keys(v).sort());
    }
  });

  it('sends the key\'s first payload once, then reordered or deeply changed copies of it, params or metadata', () => {
    const r = seededRandom(7);
    const firsts = new Map<string, VariedPayload>();
    const first = variedPayload(firsts, 'k', { value: 'x' }, true, r);
    const kinds = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const p = variedPayload(firsts, 'k', { value: 'x' }, true, r);
      const same = (f: keyof VariedPayload): boolean => canonicalJson(p[f]) === canonicalJson(first[f]);
      kinds.add(same('params') && same('metadata') ? 'reordered' : same('params') ? 'metadata' : 'params');
      expect(same('params') || same('metadata')).toBe(true);
    }
    expect([...kinds].sort()).toEqual(['metadata', 'params', 'reordered']);
  });
});
