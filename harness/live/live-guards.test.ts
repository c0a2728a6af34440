import { describe, expect, it, vi } from 'vitest';
import { parseScenario } from '../scenario/loader.js';
import { liveGuardProblems } from './live-guards.js';

const state = vi.hoisted(() => ({ fail: 'throw' as 'throw' | 'reject-later' }));

// The live system itself is not started here: runScenarioLive is replaced by one that crashes,
// as a bug in the harness or an unhandled rejection in something it awaits would.
vi.mock('./live-run.js', () => ({
  runScenarioLive: async (): Promise<never> => {
    if (state.fail === 'reject-later') {
      void Promise.reject(new Error('socket handler blew up'));
      return new Promise<never>(() => {});
    }
    throw new TypeError("Cannot read properties of undefined (reading 'pid')");
  },
}));

const SCENARIO = parseScenario('name: guarded\ndescription: a crash while driving\nfleet: { workers: 2 }\nworkload: { items: [{ kind: echo, count: 3 }] }\n', 'guarded.yaml');

describe('live run guards', () => {
  it('a crash while driving the live system is a failed run with its seed, not a dead process', async () => {
    const { runLive } = await import('./runner.js');
    for (const fail of ['throw', 'reject-later'] as const) {
      state.fail = fail;
      const { json, result } = await runLive(SCENARIO, { seed: 7, reportDir: null });
      expect(json.passed).toBe(false);
      expect(json.seed).toBe(7);
      expect(json.error?.code).toBe('run_crashed');
      expect(json.error?.message).toMatch(fail === 'throw' ? /reading 'pid'.*--seed 7/ : /socket handler blew up/);
      expect(result).toBeNull();
    }
  });

  it('a wholly refused workload and a fault timeline of which nothing was applied are problems', () => {
    const refused = [{ index: 0, time: 0, process: 'client', type: 'fail' as const, f: 'submit' as const, value: { error: { code: 'invalid_argument', message: 'kind' }, invoke: 0 } }];
    expect(liveGuardProblems({ planned: 3, acked: new Map(), faults: [{}] as never }, refused)).toEqual([
      expect.stringMatching(/planned 3 executions and none was accepted; first refusal: invalid_argument: kind/),
      expect.stringMatching(/scheduled 1 faults and none was applied/),
    ]);
    expect(liveGuardProblems({ planned: 3, acked: new Map([['e1', {}]]) as never, faults: [] }, [])).toEqual([]);
  });
});
