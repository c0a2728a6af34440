/**
 * Defects around attempts that outlive their lease, hand-backs and refusal
 * loops (issue 10): each scenario runs as the system is (it passes) and with
 * one broken piece (./broken/attempt-variants.ts), which must be reported
 * under the promise it breaks, by name.
 *  - a revoke no longer stops the running attempt (the worker ignores it,
 *    or the coordinator never sends it): two live attempts of one
 *    execution (promise 3, harness/check/promises-attempts.ts), on
 *    scenarios/partition-heal.yaml, whose long sleeps outlive the partition;
 *  - a hand-back (`revoked` result) put back to `scheduled` but never on the
 *    ready queue: the execution sits pending forever (promise 1), on
 *    scenarios/worker-features.yaml, whose trigger drains a worker while an
 *    assign to it is in flight;
 *  - an old attempt settling takes its replacement's place in the running
 *    set: the worker still runs the replacement but no longer reports it
 *    (promise 11) nor stops it on a revoke (promise 3), on
 *    scenarios/lone-worker.yaml, whose own work comes back to its only
 *    worker while the revoked attempts are still settling;
 *  - ghost attempts filling the worker: it refuses at a limit it has not
 *    reached (promise 26) and the work never ends (promise 1), in seconds of
 *    wall time. This was a refusal loop that only the step budget
 *    (harness/scenario/run-budget.ts, tested in harness/sim/step-budget.test.ts)
 *    ended, until the coordinator learnt to hold back a worker that refused
 *    at its limit.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from '../../harness/scenario/loader.js';
import { simVerdict } from './broken/verdict.js';
import { ghostsFillCapacity, revokeIgnored, RevokedNotEnqueuedEngine, RevokeNotSentEngine, settleDropsReplacement } from './broken/attempt-variants.js';
import { engineFactoryOf } from './broken/variants.js';

describe('attempts that outlive their lease, hand-backs and refusal loops are caught', () => {
  it('a revoke ignored by the worker, or never sent by the coordinator: two live attempts (partition-heal)', async () => {
    const scenario = await loadScenario('scenarios/partition-heal.yaml');
    const real = await simVerdict(scenario);
    expect(real.text).toBe('');
    expect(real.passed).toBe(true);
    const broken = await simVerdict(scenario, { onWorker: revokeIgnored });
    expect(broken.passed).toBe(false);
    expect(broken.promises, broken.text).toContain('no-double-ownership');
    expect(broken.text).toMatch(/kept running attempt 1 \(lease \S+\) until t=\d+ though an abort "revoked" for it was delivered at t=\d+, while w\d+ ran attempt 2/);

    const silent = await simVerdict(scenario, { engineFactory: engineFactoryOf(RevokeNotSentEngine) });
    expect(silent.passed).toBe(false);
    expect(silent.promises, silent.text).toContain('no-double-ownership');
    expect(silent.text).toMatch(/kept running attempt 1 .* though its held-task report \(built at t=\d+\) listed it running after the coordinator had ended that lease/);
  });

  it('a hand-back that is never queued again: the execution is stuck (worker-features)', async () => {
    const scenario = await loadScenario('scenarios/worker-features.yaml');
    const real = await simVerdict(scenario);
    expect(real.text).toBe('');
    expect(real.passed).toBe(true);
    const broken = await simVerdict(scenario, { engineFactory: engineFactoryOf(RevokedNotEnqueuedEngine) });
    expect(broken.passed).toBe(false);
    expect(broken.promises, broken.text).toContain('no-lost-work');
    expect(broken.text).toMatch(/never reached a terminal state \(last status scheduled at t=\d+/);
  });

  it('an old attempt settling drops its replacement from the running set: left out of the report, not stopped (lone-worker)', async () => {
    const scenario = await loadScenario('scenarios/lone-worker.yaml');
    const real = await simVerdict(scenario);
    expect(real.text).toBe('');
    expect(real.passed).toBe(true);
    const broken = await simVerdict(scenario, { onWorker: settleDropsReplacement });
    expect(broken.passed).toBe(false);
    expect(broken.promises, broken.text).toEqual(expect.arrayContaining(['delivery', 'no-double-ownership']));
    expect(broken.text).toMatch(/w1's held-task report built at t=\d+ left out attempt 2 of \S+ \(lease \S+\), which it had started at t=\d+ and still ran/);
  });

  it('ghost attempts filling the worker: caught as a capacity leak and stuck work, in seconds (no refusal loop: the coordinator holds a worker that refused at its limit back)', async () => {
    const scenario = parseScenario(
      `name: refusal-loop
description: one worker runs short sleeps one at a time
fleet: { workers: 1, concurrency: 1 }
coordinator: { heartbeatMs: 300, heartbeatTimeoutMs: 1000 }
workload:
  items: [{ kind: sleep, count: 4, ratePerSec: 4, params: { durationMs: 200 } }]
phases: { faultsMs: 1000, healMs: 3000 }
`,
      'refusal-loop.yaml',
    );
    const real = await simVerdict(scenario);
    expect(real.text).toBe('');
    expect(real.passed).toBe(true);
    const started = performance.now();
    const broken = await simVerdict(scenario, { onWorker: ghostsFillCapacity });
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(broken.passed).toBe(false);
    expect(broken.promises, broken.text).toEqual(['capacity', 'no-lost-work']);
    expect(broken.text).toMatch(/w1 refused lease \S+ \(revoked without starting it\) at t=\d+ with 0 live attempt\(s\) below its concurrency 1, not draining: a capacity leak/);
  });
});
