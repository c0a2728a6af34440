/**
 * Blind set 13's worker/engine/timer edges, each as a broken variant
 * (./broken/set13-variants.ts): the scenario passes on the real system and
 * fails naming the promise with the defect planted.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { advertisesEveryKind } from './broken/set13-variants.js';
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
});
