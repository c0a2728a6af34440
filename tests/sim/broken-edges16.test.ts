/**
 * Blind set 16's recovery, connection and log-limit misses, by class: each
 * broken variant (tests/sim/broken/set16-edges-variants.ts) is caught under
 * the promise named, while the real system passes at the same seed.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { withLimiterOneOver } from './broken/set16-edges-variants.js';
import { simVerdict } from './broken/verdict.js';

describe('blind set 16 edges', () => {
  it('adversarial-clients: a log limiter letting perWindow + 1 lines through per window (auth)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/adversarial-clients.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await withLimiterOneOver(() => simVerdict(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('auth');
    expect(broken.text).toMatch(/the coordinator logged a auth_failed refusal at t=\d+ that its limit \(at most 10 lines per key per 10 s\) suppresses/);
  });
});
