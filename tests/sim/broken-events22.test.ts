/**
 * Blind set 22 #08's class as broken variants (./broken/events22-variants.ts):
 * per-execution engine state one execution's change drops for another. The
 * scenario passes on the real system and fails naming the promise with the
 * defect planted.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { CommitWindowForgottenEngine, DeferredWipedByOthersEngine } from './broken/events22-variants.js';
import { engineFactoryOf } from './broken/variants.js';
import { simVerdict } from './broken/verdict.js';

describe('blind set 22 #08: deferred per-execution state dropped for another execution', () => {
  it("engine-features: deferred events wiped while another execution's change commits never reach the event stream (api-contract)", { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/engine-features.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await simVerdict(scenario, { engineFactory: engineFactoryOf(DeferredWipedByOthersEngine) });
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('api-contract');
    expect(broken.text).toMatch(/status events say \[[a-z, ]+\], but the store's statusHistory is \[[a-z, ]+\] \(change \d+ is \w+ in the events, (failed|running) there\)/);
  });

  it('verdict-in-commit-window: a commit window forgotten for another execution answers a verdict before its change committed (acked-committed)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/verdict-in-commit-window.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await simVerdict(scenario, { engineFactory: engineFactoryOf(CommitWindowForgottenEngine) });
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('acked-committed');
    expect(broken.text).toMatch(/was refused as stale at t=\d+, before any committed end of that lease/);
  });
});
