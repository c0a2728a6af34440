/**
 * Promise 20 end to end: scenarios/commit-window-crash.yaml (150 ms commits,
 * coordinator crashes inside commit windows) passes on the real system, and a
 * coordinator that acknowledges a worker's started, result or checkpoint before the
 * store commit (AckBeforeCommitEngine, wired through SimWiring) is reported
 * under 'acked-committed'. Without the promise that defect is healed: the
 * crash loses the uncommitted result, the task is redone, nothing is lost.
 */
import { simVerdict, type Verdict } from './broken/verdict.js';
import { describe, expect, it } from 'vitest';
import { formatViolation } from '../../harness/check/violation.js';
import { loadScenario, parseScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import type { SimWiring } from '../../harness/sim/index.js';
import { engineFactoryOf } from './broken/variants.js';
import { AckBeforeCommitEngine, ResultAckBeforeCommitEngine, StartedAckBeforeCommitEngine } from './broken/engine-variants.js';

const FILE = 'scenarios/commit-window-crash.yaml';

// A crash 20 ms after a worker sent its 4th result: that result has reached the coordinator and its
// 150 ms commit is under way (commit-window-crash's own triggers miss result commit windows at seed 1).
const RESULT_WINDOW = `name: result-commit-window
description: a coordinator crash inside a result's 150 ms commit window
fleet: { workers: 3, concurrency: 2 }
coordinator: { heartbeatMs: 500, heartbeatTimeoutMs: 1500, leaseMs: 3000, commitDelayMs: 150 }
workload:
  items: [{ kind: sleep, count: 12, ratePerSec: 10, params: { durationMs: 300 } }]
triggers:
  - { on: { event: result-sent, nth: 4, delayMs: 20 }, target: coordinator, action: restart, note: "a result's commit is under way" }
phases: { faultsMs: 3000, healMs: 12000 }
`;

const verdict = async (wiring?: SimWiring, file = FILE, seed = 1): Promise<Verdict> => simVerdict(await loadScenario(file), wiring, seed);

describe('promise 20 (acked-committed) on commit-window-crash at seed 1', () => {
  it('passes on the real system', async () => {
    const v = await verdict();
    expect(v.text).toBe('');
    expect(v.passed).toBe(true);
  });

  it('catches a coordinator that acknowledges results and checkpoints before the store commit', async () => {
    const v = await verdict({ engineFactory: engineFactoryOf(AckBeforeCommitEngine) });
    expect(v.passed).toBe(false);
    expect(v.promises, v.text).toContain('acked-committed');
    expect(v.text).toMatch(/was acknowledged at t=\d+, but the coordinator committed no (result_recorded|checkpoint_saved)/);
  });

  it('catches a coordinator that acknowledges a started before its running status committed (promise 20 names it)', async () => {
    const v = await verdict({ engineFactory: engineFactoryOf(StartedAckBeforeCommitEngine) });
    // Promise 20 names the cause; promise 29 sees one consequence (the lost start leaves a completion with no startedAt).
    expect(v.promises, v.text).toContain('acked-committed');
    expect(v.promises.filter((p) => p !== 'acked-committed' && p !== 'api-contract'), v.text).toEqual([]);
    expect(v.text).toMatch(/started started:\S+ \(seq \d+, session \S+\) was acknowledged at t=\d+, but the coordinator committed no running status for that lease while it was live before its next crash/);
  });

  it('catches results alone acknowledged before their commit, with a crash inside the window (the real system passes)', async () => {
    const scenario = parseScenario(RESULT_WINDOW, 'result-commit-window.yaml');
    const real = await runChecked(scenario, { seed: 1 });
    expect(real.violations.map((x) => formatViolation(x)).join('\n')).toBe('');
    expect(real.passed).toBe(true);
    const r = await runChecked(scenario, { seed: 1, wiring: { engineFactory: engineFactoryOf(ResultAckBeforeCommitEngine) } });
    const text = r.violations.map((x) => formatViolation(x)).join('\n');
    // Only promise 20 fires: the task is redone after the restart and nothing is lost end to end.
    expect([...new Set(r.violations.map((x) => x.promise.name))], text).toEqual(['acked-committed']);
    expect(text).toMatch(/result result:\S+\/completed \(seq \d+, session \S+\) was acknowledged at t=\d+, but the coordinator committed no result_recorded or result_rejected for that lease before its next crash/);
  });

  // Found by this promise: the engine answered a re-sent checkpoint 'stale' (and the coordinator acked it)
  // against an in-memory checkpoint whose commit had failed; the reload then rolled it back. Fixed in
  // Engine.onCheckpoint (no verdict while the store is failing; a pending commit decides). Failed at these seeds before.
  for (const seed of [1, 3]) {
    it(`flaky-disk seed ${seed}: no checkpoint acknowledged against an uncommitted one`, async () => {
      const v = await verdict(undefined, 'scenarios/flaky-disk.yaml', seed);
      expect(v.text).toBe('');
    });
  }
});
