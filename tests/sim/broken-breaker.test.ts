/**
 * Circuit breakers (promise 28, harness/check/promises-breaker.ts): scenarios/breaker.yaml
 * passes on the real system and catches each breaker mistake of ./broken/breaker-variants.ts
 * (breakers an engine builds through its createBreakers seam).
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { brokenBreakers, type BreakerMistake } from './broken/breaker-variants.js';
import { simVerdict } from './broken/verdict.js';

const FILE = 'scenarios/breaker.yaml';

const CASES: [BreakerMistake, RegExp][] = [
  ['one-trial-too-many', /breaker is half-open with 1 trial\(s\) in flight .*; halfOpenMaxCalls is 1/],
  ['no-reset-wait', /breaker opened \d+ ms earlier \(\d+ consecutive failures\) and holds claims for 1000 ms/],
  ['stays-half-open', /breaker opened \d+ ms earlier/],
  // Set-5 blind 04: the half-open trial's holder dies (breaker.yaml's trigger); its lease ends without a verdict.
  ['keeps-trial-on-release', /fail breaker has been half-open with 0 of 1 trial\(s\) in flight since t=\d+, and ex_\w+ \(\w+ since t=\d+\) waited .* without a trial being admitted/],
];

describe('breaker: open holds claims, half-open lets one trial through', () => {
  it.each([1, 2, 3])('passes on the real system (seed %i)', async (seed) => {
    const v = await simVerdict(await loadScenario(FILE), undefined, seed);
    expect(v.text).toBe('');
  });

  it.each(CASES)('%s: caught', async (mistake, says) => {
    const v = await simVerdict(await loadScenario(FILE), { engineFactory: brokenBreakers(mistake) });
    expect(v.promises).toContain('breaker');
    expect(v.text).toMatch(says);
  });

  it('reopens-when-open: a late failure restarts the reset period; the retry it holds back is late (retries, with the replayed breaker)', async () => {
    const v = await simVerdict(await loadScenario(FILE), { engineFactory: brokenBreakers('reopens-when-open') });
    // And the gauge reads (promise 29) show the breaker open while the replay of its decisions has it half-open.
    expect(v.promises).toEqual(['api-contract', 'retries']);
    expect(v.text).toMatch(/\(the sleep breaker held it until t=\d+\).* was idle at t=\d+: the retry came too late/);
    expect(v.text).toMatch(/squall_breaker_state\{kind="sleep"\} is 2 \(open by its help text\), but the coordinator's decisions so far leave the sleep breaker half-open/);
  });
});
