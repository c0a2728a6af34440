/**
 * The JSON limits at their boundary, for every shape (blind set 12 #30, set
 * 17 #16; promise 29, harness/check/promises-json-depth.ts):
 * adversarial-clients' HTTP adversary POSTs bodies nested at the limit and
 * one level past it (through objects, arrays and both), and bodies holding
 * exactly 100,000 values and one more (scalars, empty and small containers,
 * nested arrays, generated values). Planted by a module mock local to this
 * file: a depth check one level late (the real check with the limit raised
 * by one), a value count of containers only (set 17 #16: 100,001 scalars
 * let through), and a depth counted through objects only (arrays nest
 * freely). Each is caught; the real checks pass at the same seed.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { InvalidArgumentError } from '../../system/core/errors.js';
import type * as JsonLimits from '../../system/core/json-limits.js';
import { simVerdict } from './broken/verdict.js';

const state = vi.hoisted(() => ({ broken: 'none' as 'none' | 'late' | 'containers' | 'objects-depth' }));

/** The containers in `value` and how deep objects alone nest (arrays not counted). */
function containers(value: unknown): { count: number; objectDepth: number } {
  let count = 0;
  let objectDepth = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    count++;
    const d = Array.isArray(v) ? depth : depth + 1;
    objectDepth = Math.max(objectDepth, d);
    for (const x of Object.values(v)) stack.push([x, d]);
  }
  return { count, objectDepth };
}

vi.mock('../../system/core/json-limits.js', async (importOriginal) => {
  const real = await importOriginal<typeof JsonLimits>();
  const checkJsonLimits: typeof real.checkJsonLimits = (value, root, maxDepth = real.MAX_JSON_DEPTH, maxNodes = real.MAX_JSON_NODES) => {
    if (state.broken === 'none') return real.checkJsonLimits(value, root, maxDepth, maxNodes);
    if (state.broken === 'late') return real.checkJsonLimits(value, root, maxDepth + 1, maxNodes);
    const { count, objectDepth } = containers(value);
    if (state.broken === 'containers') {
      real.checkJsonLimits(value, root, maxDepth, Number.POSITIVE_INFINITY);
      if (count > maxNodes) throw new InvalidArgumentError(`${root || 'body'} holds more than ${maxNodes} JSON values`, root || undefined);
      return;
    }
    real.checkJsonLimits(value, root, Number.POSITIVE_INFINITY, maxNodes);
    if (objectDepth > maxDepth) throw new InvalidArgumentError(`${root || 'body'} nests deeper than ${maxDepth} levels`, root || undefined);
  };
  return { ...real, checkJsonLimits };
});

async function brokenVerdict(mode: typeof state.broken): Promise<Awaited<ReturnType<typeof simVerdict>>> {
  state.broken = mode;
  try {
    return await simVerdict(await loadScenario('scenarios/adversarial-clients.yaml'));
  } finally {
    state.broken = 'none';
  }
}

describe('JSON bodies nest at most 64 levels and hold at most 100,000 values, exactly, in every shape (set 12 #30, set 17 #16)', () => {
  it('adversarial-clients passes, and a depth check one level late is caught', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await loadScenario('scenarios/adversarial-clients.yaml'))).text).toBe('');
    const v = await brokenVerdict('late');
    expect(v.promises).toEqual(['api-contract']);
    expect(v.text).toMatch(/a JSON body nested 65 levels through objects \(the limit is 64\) was answered 400 invalid_argument \(path a\): a body nested deeper than 64 levels must be refused/);
  });

  it('a value count of containers only (set 17 #16) is caught on the shapes holding scalars', { timeout: 60_000 }, async () => {
    const v = await brokenVerdict('containers');
    expect(v.promises).toEqual(['api-contract']);
    expect(v.text).toMatch(/a JSON body of scalars holding 100001 values \(the limit is 100000\) was answered 400 invalid_argument \(path reason\): a body holding more than 100000 JSON values, whatever their kind, must be refused/);
    expect(v.text).not.toMatch(/of empty-containers holding/);
  });

  it('a depth counted through objects only is caught on the bodies nesting through arrays', { timeout: 60_000 }, async () => {
    const v = await brokenVerdict('objects-depth');
    expect(v.promises).toEqual(['api-contract']);
    expect(v.text).toMatch(/a JSON body nested 65 levels through arrays \(the limit is 64\) was answered 400 invalid_argument \(path \): a body nested deeper/);
    expect(v.text).not.toMatch(/nested 65 levels through objects/);
  });
});
