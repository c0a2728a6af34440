/**
 * Blind set 15's wire defects (#19, #23) and set 14 #30 as broken variants
 * (./broken/wire15-variants.ts): scenario twin-workers passes on the real
 * system and fails under promise 38 (wire) with the defect planted.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { withApplicationCodesAsInternal, withFailedConnectsLeftOpen, withReplacedNotFatal } from './broken/wire15-variants.js';
import { simVerdict } from './broken/verdict.js';

describe('blind set 15: the wire\'s close codes', () => {
  it('twin-workers: squall close codes sent as 1011 (4503, 4409) reach the workers as internal errors (wire)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/twin-workers.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await withApplicationCodesAsInternal(() => simVerdict(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('wire');
    expect(broken.text).toMatch(/w\d received a close frame at t=\d+ with code 1011 where coordinator closed with 4503/);
    expect(broken.text).toMatch(/w2 was closed with 4409 \(replaced\) at t=\d+, received as 1011, yet connected again/);
  });

  it('twin-workers: 4409 not fatal, the replaced worker and its twin replace each other forever (wire)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/twin-workers.yaml');
    const broken = await withReplacedNotFatal(() => simVerdict(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('wire');
    expect(broken.text).toMatch(/w2 was closed with 4409 \(replaced\) at t=\d+ yet connected again at t=\d+/);
    expect(broken.text).toMatch(/w2\.twin was closed with 4409 \(replaced\) at t=\d+ yet connected again/);
  });

  it('twin-workers: a connect that timed out leaves its socket open, completing later as a connection nobody uses (wire; set 14 #30)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/twin-workers.yaml');
    const broken = await withFailedConnectsLeftOpen(() => simVerdict(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('wire');
    expect(broken.text).toMatch(/at the end of the run w3 still held 1 open connection\(s\) it never took up \(c\d+\)/);
  });
});
