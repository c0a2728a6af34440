/**
 * The simulation on the production SQLite store (SimSqliteStore: a temp file
 * whose group-commit queue waits on virtual time; a crash loses the queue and
 * drops the handle unflushed; the restart reopens the file). Runs stay
 * deterministic, every promise is checked as on the MemoryStore, and a store
 * that acknowledges before commit is caught here too.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatViolation } from '../../harness/check/index.js';
import { loadScenario, parseScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import { resolveOnIssue } from '../../system/store/testing.js';

describe('simulation on the SQLite store', () => {
  it('coordinator-crash-restart passes on SQLite and replays to the same trace', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario(join(import.meta.dirname, '../../scenarios/coordinator-crash-restart.yaml'));
    const a = await runChecked(scenario, { seed: 1, store: 'sqlite' });
    const b = await runChecked(scenario, { seed: 1, store: 'sqlite' });
    expect(a.violations.map(formatViolation)).toEqual([]);
    expect(a.passed).toBe(true);
    expect(b.outcome.traceHash).toBe(a.outcome.traceHash);
  });

  it('a store that acknowledges before SQLite committed loses acknowledged work at a crash, and is caught', { timeout: 60_000 }, async () => {
    const scenario = parseScenario(
      `name: sqlite-ack-before-commit
description: the coordinator is killed 1 ms after a submission (its group commit takes 2 ms)
fleet: { workers: 3, concurrency: 2 }
workload:
  items: [{ kind: echo, count: 40, ratePerSec: 20, params: { value: 1 } }]
faults:
  - { at: 1501, for: 500, target: coordinator, action: kill }
phases: { faultsMs: 3000, healMs: 8000 }
`,
      'sqlite-ack-before-commit.yaml',
    );
    const real = await runChecked(scenario, { seed: 1, store: 'sqlite' });
    expect(real.violations.map(formatViolation)).toEqual([]);
    const broken = await runChecked(scenario, { seed: 1, store: 'sqlite', wiring: { wrapStore: (store) => resolveOnIssue(store) } });
    expect(broken.violations.map((v) => v.promise.name)).toContain('durability');
  });
});
