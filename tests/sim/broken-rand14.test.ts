/**
 * Blind set 14's randomness-pool and deep-backlog misses (#02, #24) as
 * broken variants (./broken/rand14-variants.ts) on scenarios/deep-backlog.yaml:
 * the real system passes at seed 1, each variant fails naming its promise.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { shortDrawsAtPoolEnd, withPassesNotRewaking } from './broken/rand14-variants.js';
import { simVerdict } from './broken/verdict.js';

describe('blind set 14: the randomness pool and a backlog deeper than one pass', () => {
  it('deep-backlog: the real system passes; a pool that cuts a draw straddling its end short mints short ids (identifiers)', { timeout: 120_000 }, async () => {
    const scenario = await loadScenario('scenarios/deep-backlog.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await simVerdict(scenario, shortDrawsAtPoolEnd);
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('identifiers');
    expect(broken.text).toMatch(/has (executionId|leaseToken|sessionId|nonce) "[^"]*" \(\d+ characters\): the documented form is /);
  });

  it('deep-backlog: a pass stopped at its claim limit that does not wake itself again strands the rest (capacity)', { timeout: 120_000 }, async () => {
    const scenario = await loadScenario('scenarios/deep-backlog.yaml');
    const broken = await withPassesNotRewaking(() => simVerdict(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('capacity');
    expect(broken.text).toMatch(/the assignment pass ended with claim ls_[0-9a-f]{16} at t=\d+, leaving w\d+ with \d+ of 100 slots held, while ex_[0-9a-f]{16} was ready \(since t=\d+\); the next claim came only at t=\d+: a free slot is offered/);
  });
});
