/**
 * Blind set 20's task-kind environment, secrets and randomness misses
 * (#12, #22, #23, #25, #30) as broken variants (./broken/tasks20-variants.ts):
 * the real system passes each scenario at seed 1, each variant fails naming
 * its promise.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { stalePool } from './broken/tasks20-variants.js';
import { simVerdict } from './broken/verdict.js';

describe('blind set 20: task kinds, secrets and randomness', () => {
  it('bulk-ids: the real system passes; a pool that stops refilling repeats ids and lease tokens (identifiers)', { timeout: 120_000 }, async () => {
    const scenario = await loadScenario('scenarios/bulk-ids.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await simVerdict(scenario, stalePool);
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('identifiers');
    expect(broken.text).toMatch(/has (executionId|leaseToken|sessionId|nonce) \S+, already minted for .*: an identifier is never minted twice/);
  });
});
