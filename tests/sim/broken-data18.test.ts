/**
 * Blind set 18's data-shape misses, each as a broken variant
 * (./broken/data18-variants.ts) caught on scenario data-shapes.yaml, which
 * sends requests and task data in the shapes the README allows, at its
 * edges; the real system passes at the same seed.
 *
 * - #09 a graph past the 200-node limit answered whole: the simulated
 *   browser reads the widest fan-out's and the widest join's graphs
 *   (promise 29, harness/check/promises-ui-reads.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { graphUnbounded } from './broken/data18-variants.js';
import { simVerdict } from './broken/verdict.js';

const scenario = () => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'data-shapes.yaml'));

describe('data-shapes: requests and task data at the README\'s edges', () => {
  it('the real system passes', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await scenario())).text).toBe('');
  });

  it('#09: a graph answered past 200 nodes is reported under api-contract', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario(), { wrapHttp: graphUnbounded });
    expect(v.promises).toEqual(['api-contract']);
    expect(v.text).toMatch(/GET \/ui\/graph\/\w+ \(t=\d+\) answered 2[0-9]{2} nodes: a graph shows at most 200 nodes, each once/);
  });
});
