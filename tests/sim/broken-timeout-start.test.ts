/**
 * The coordinator's timeout counts from the attempt's start (promise 17,
 * harness/check/promises-tasks.ts): on high-latency the coordinator hears
 * of a start about 4 s after the claim, so an engine that does not re-arm
 * the timeout at the start (blind set 8 #07) times the `timed` sleeps out
 * 1 s after their recorded start, before the worker's own timeout result.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { TimeoutFromClaimEngine } from './broken/engine-variants.js';
import { engineFactoryOf } from './broken/variants.js';
import { simVerdict } from './broken/verdict.js';

describe('timeouts count from the start, not the claim', () => {
  it('high-latency passes on the real engine and catches one whose timeout counts from the claim', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/high-latency.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const v = await simVerdict(scenario, { engineFactory: engineFactoryOf(TimeoutFromClaimEngine) });
    expect(v.promises).toEqual(['timeouts']);
    expect(v.text).toMatch(/was timed out by the coordinator at t=\d+, \d+ ms after it started \(t=\d+\): its timeoutMs \+ grace \(5000 ms\) count from the start, not the claim/);
  });
});
