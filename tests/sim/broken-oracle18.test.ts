/**
 * Blind set 18's "the checker judged with the system's own constants" class,
 * each as a broken variant (./broken/oracle18-variants.ts): the scenario
 * passes on the real system and fails naming the promise with the defect
 * planted, judged by the checker's own copies of the README's figures
 * (harness/check/spec-tables.ts, promises-feed-pace.ts, promises-spread.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { withFastFeed, withStuckRotation, withSwappedPriorityRanks } from './broken/oracle18-variants.js';
import { simVerdict } from './broken/verdict.js';

const scenario = (name: string) => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', `${name}.yaml`));

describe('blind set 18: the checker keeps its own yardstick', () => {
  it('priority-order: high ranked above critical in the system table is served first (priority, #17)', { timeout: 60_000 }, async () => {
    const s = await scenario('priority-order');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await withSwappedPriorityRanks(() => simVerdict(s));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('priority');
    expect(broken.text).toMatch(/\(priority high, kind echo\) while \S+ \(priority critical, .*higher priority must go first/);
  });

  it('dispatch-spread: a round-robin that does not advance fills one worker while the others sit idle (priority, #11)', { timeout: 60_000 }, async () => {
    const s = await scenario('dispatch-spread');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await withStuckRotation(() => simVerdict(s));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('priority');
    expect(broken.text).toMatch(/(w\d) was given \S+ \(kind sleep\) at t=\d+ right after \S+ at t=\d+, with nothing in between to move the round-robin turn, while w\d(, w\d)* \(connected, with a free slot of 4, running sleep\) could take it/);
  });

  it('dashboard-burst and cli-client: a 25 ms coalescing window pushes more than four a second (api-contract, #27)', { timeout: 60_000 }, async () => {
    for (const [name, where] of [
      ['dashboard-burst', /dashboard feed \(GET \/ui\/events, opened t=\d+\): 5 pushes from t=\d+ to t=\d+ \(\d+ ms\), after its snapshot: the live feed is coalesced, at most 4 pushes a second per stream/],
      ['cli-client', /squall executions watch .*\(its event stream\): 5 pushes from t=\d+ to t=\d+/],
    ] as const) {
      const s = await scenario(name);
      expect((await simVerdict(s)).text).toBe('');
      const broken = await withFastFeed(() => simVerdict(s));
      expect(broken.passed).toBe(false);
      expect(broken.promises).toContain('api-contract');
      expect(broken.text).toMatch(where);
    }
  });
});
