/**
 * No false green from a scenario file (issue 10 deliverable 8), end to end:
 * a workload the coordinator refused entirely used to pass ("accepted 0
 * executions", every promise trivially held). The checker alone still finds
 * nothing wrong; the run guard is what fails it, with the refusal quoted.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioError, parseScenario } from '../../harness/scenario/loader.js';
import { runChecked, toSimJson } from '../../harness/scenario/run.js';

const refusedAtSubmit = `name: refused-workload
description: sleep tasks whose params are misspelt, so the coordinator refuses every submission
fleet: { workers: 2, concurrency: 1 }
workload:
  items: [{ kind: sleep, count: 5, params: { duration: 100 } }]
phases: { faultsMs: 1000, healMs: 2000 }
`;

describe('no false green', () => {
  it('a run whose whole workload was refused at submit fails and says why', { timeout: 60_000 }, async () => {
    const run = await runChecked(parseScenario(refusedAtSubmit, 'refused-workload.yaml'), { seed: 1 });
    expect(run.outcome.accepted).toBe(0);
    expect(run.outcome.planned).toBe(5);
    expect(run.violations).toEqual([]); // the checker alone would call this green
    expect(run.passed).toBe(false);
    expect(toSimJson(run).problems[0]).toMatch(/planned 5 executions and none was accepted; first refusal: invalid_argument: .*durationMs/);
  });

  it('a typo in a task kind never reaches a run', () => {
    expect(() => parseScenario(refusedAtSubmit.replace('kind: sleep', 'kind: slep'), 'typo.yaml')).toThrow(ScenarioError);
    expect(() => parseScenario(refusedAtSubmit.replace('kind: sleep', 'kind: slep'), 'typo.yaml')).toThrow(/did you mean "sleep"/);
  });
});
