/**
 * Session 33: a worker's refusal at its concurrency limit (a `revoked`
 * result for a lease it never started) counted as an attempt, so GET showed
 * `attempts: 3` for an execution that ran once. Promise 29
 * (harness/check/promises-reads-counts.ts) holds each listed `attempts` to
 * the claims that ran or may have run; on task-resources at seed 1, whose
 * cancelled children keep a worker full through their SIGTERM grace, the
 * real engine passes and one that counts the refusals (./broken/attempts33-variants.ts)
 * is caught.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { refusalsCounted } from './broken/attempts33-variants.js';
import { simVerdict } from './broken/verdict.js';

describe('29 api-contract: attempts counts the attempts that ran', () => {
  it('the real engine passes task-resources at seed 1; one counting refusals at capacity is caught', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/task-resources.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await simVerdict(scenario, { engineFactory: refusalsCounted });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/listed \w+ says attempts (\d+), but \d+ attempt\(s\) ran or may have run before the read \(\d+ claimed, \d+ of them handed back by their holder without a start/);
  });
});
