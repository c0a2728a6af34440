/**
 * Dependency states outside the live cascade (issue 10): dependents submitted
 * after their dependency ended, and a dependent recovered pending at a
 * restart, and a dependent of two roots submitted while one completed and
 * the other still runs (scenarios/dependency-states.yaml); a dependent whose dependency's
 * completion was not durable (scenarios/graph-commit-window.yaml); and a
 * checkpoint followed by a non-terminal status change before a restart on
 * the SQLite store (scenarios/sqlite-crash-restart.yaml); the engine's
 * maxPending limit with failed, timed-out and cancelled executions among the
 * finished (dependency-states.yaml, blind set 8 #08), reached exactly
 * (blind set 11 #06). The real system
 * passes; each broken variant is caught under the promise it breaks.
 */
import { describe, expect, it } from 'vitest';
import { formatViolation } from '../../harness/check/violation.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import type { SimWiring } from '../../harness/sim/index.js';
import { AnyDependencyCompletedEngine, DependentReadyBeforeCommitEngine, OnlyFailedUnsuccessfulEngine, RecoveredOnlyFailedUnsuccessfulEngine, ScheduledTrustedAtRecoveryEngine } from './broken/dependency-variants.js';
import { withRevokeForgettingFinished } from './broken/held-report-variants.js';
import { statusWriteDropsCheckpoint, withQueueNotRescheduled } from './broken/sqlite-variants.js';
import { MaxPendingExclusiveEngine, RepeatsCountedPendingEngine, TimeoutCountedPendingEngine } from './broken/submit-variants.js';
import { engineFactoryOf } from './broken/variants.js';
import { simVerdict } from './broken/verdict.js';

async function run(file: string, wiring?: SimWiring, seed = 1) {
  return simVerdict(await loadScenario(`scenarios/${file}.yaml`), wiring, seed);
}

describe('dependencies that ended before their dependents were looked at', () => {
  it('dependency-states passes on the real system and recovers a pending dependent of an ended root', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/dependency-states.yaml');
    const r = await runChecked(scenario, { seed: 1 });
    expect(r.violations.map((x) => formatViolation(x)).join('\n')).toBe('');
    expect(r.outcome.marks['engine.dependency-failed-at-recovery']).toBeGreaterThan(0);
  });

  it('api-contract: an engine whose maxPending counts timed-out executions as unfinished refuses work that fits', { timeout: 60_000 }, async () => {
    const v = await run('dependency-states', { engineFactory: engineFactoryOf(TimeoutCountedPendingEngine) });
    expect(v.promises, v.text).toEqual(['api-contract']);
    expect(v.text).toMatch(/a submission of \d+ execution\(s\) was refused 429 rate_limited at t=\d+ though the client held at most \d+ .* within the engine's limit of 17 unfinished executions \(maxPending\), so the engine counted/);
  });

  it('api-contract: an engine whose maxPending counts idempotent repeats refuses a batch whose new executions fit', { timeout: 60_000 }, async () => {
    const v = await run('dependency-states', { engineFactory: engineFactoryOf(RepeatsCountedPendingEngine) });
    expect(v.promises, v.text).toEqual(['api-contract']);
    expect(v.text).toMatch(/a submission of 12 execution\(s\) was refused 429 rate_limited .* within the engine's limit of 17 unfinished executions \(maxPending\)/);
  });

  it('api-contract: an engine that refuses a submission bringing the unfinished exactly to maxPending (< for <=, blind set 11 #06)', { timeout: 60_000 }, async () => {
    const v = await run('dependency-states', { engineFactory: engineFactoryOf(MaxPendingExclusiveEngine) });
    expect(v.promises, v.text).toEqual(['api-contract']);
    expect(v.text).toMatch(/a submission of 1 execution\(s\) was refused 429 rate_limited at t=\d+ though the client held at most 16 .*: 16 \+ 1 is within the engine's limit of 17 unfinished executions \(maxPending\)/);
  });

  it('order: an engine counting only failed dependencies as unsuccessful leaves late dependents of timed-out and cancelled ones pending', { timeout: 60_000 }, async () => {
    const v = await run('dependency-states', { engineFactory: engineFactoryOf(OnlyFailedUnsuccessfulEngine) });
    expect(v.passed).toBe(false);
    expect(v.promises, v.text).toContain('order');
    expect(v.text).toMatch(/dependency \S+ ended timeout but this dependent ended pending/);
    expect(v.text).toMatch(/dependency \S+ ended cancelled but this dependent ended pending/);
  });

  it('order: the same mistake in recovery alone leaves a dependent recovered pending after a restart', { timeout: 60_000 }, async () => {
    const v = await run('dependency-states', { engineFactory: engineFactoryOf(RecoveredOnlyFailedUnsuccessfulEngine) });
    expect(v.passed).toBe(false);
    expect(v.promises, v.text).toEqual(['order']);
    expect(v.text).toMatch(/dependency \S+ ended (timeout|cancelled) but this dependent ended pending/);
  });

  it('order: a new execution created scheduled when ANY of its dependencies completed runs before the other completed', { timeout: 60_000 }, async () => {
    // late-mixed: submitted at 2 s on a completed echo and a 4 s sleep still running (blind set-5 11).
    const v = await run('dependency-states', { engineFactory: engineFactoryOf(AnyDependencyCompletedEngine) });
    expect(v.passed).toBe(false);
    expect(v.promises, v.text).toEqual(['order']);
    expect(v.text).toMatch(/claimed at t=\d+ before its dependency \S+ completed \(it completed later\)/);
  });
});

describe('a dependent whose dependency\'s completion was not durable', () => {
  // graph-commit-window: restarts inside a chain node's completion commit window, and 30% failing writes
  // that can keep a dependent's `scheduled` while refusing its dependency's completion.
  it('graph-commit-window passes on the real system and sends a reloaded scheduled dependent back to pending', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/graph-commit-window.yaml');
    const r = await runChecked(scenario, { seed: 1 });
    expect(r.violations.map((x) => formatViolation(x)).join('\n')).toBe('');
    expect(r.outcome.marks['engine.scheduled-dependent-unready-at-recovery']).toBeGreaterThan(0);
    expect(r.outcome.marks['sim.crash-in-commit-window']).toBeGreaterThan(0);
  });

  it('order: recovery that queues a scheduled dependent without looking at its dependencies runs it before its dependency completed', { timeout: 60_000 }, async () => {
    const v = await run('graph-commit-window', { engineFactory: engineFactoryOf(ScheduledTrustedAtRecoveryEngine) });
    expect(v.passed).toBe(false);
    expect(v.promises, v.text).toContain('order');
    expect(v.text).toMatch(/claimed at t=\d+ before its dependency \S+ completed \(it completed later\)/);
  });

  it('order: a dependent queued before its dependency\'s completion committed is claimed inside that commit window (blind set 9 #07)', { timeout: 60_000 }, async () => {
    const v = await run('graph-commit-window', { engineFactory: engineFactoryOf(DependentReadyBeforeCommitEngine) });
    expect(v.passed).toBe(false);
    expect(v.promises, v.text).toEqual(['order']);
    expect(v.text).toMatch(/claimed \(decided at t=\d+\) before its dependency \S+'s completion committed at t=\d+/);
  });
});

describe('a finished attempt revoked from a completion that then failed to commit (graph-commit-window seed 12)', () => {
  // Seed 12: a worker's completion fails to commit (30% failing writes); the sync answered meanwhile revoked the execution
  // as terminal from the uncommitted completion. The commit failed, so the lease is live again and the worker's result,
  // still unacknowledged and re-sent, must be recorded: it keeps the attempt in its held report until the result is acked.
  // Which worker depends on the handshake: w3 on the 2-RTT register, w2 on the 0-RTT register (one round trip earlier
  // at the start, so the claims fall to other workers); both are caught the same way.
  it('graph-commit-window seed 12 passes on the real system', { timeout: 60_000 }, async () => {
    const v = await run('graph-commit-window', undefined, 12);
    expect(v.text).toBe('');
  });

  it('delivery: a worker that forgets a finished attempt at a revoke leaves it out of its held report, and the lease expires', { timeout: 60_000 }, async () => {
    const { out: v, forgotten } = await withRevokeForgettingFinished(() => run('graph-commit-window', undefined, 12));
    expect(forgotten).toBeGreaterThan(0);
    expect(v.promises, v.text).toContain('delivery');
    expect(v.text).toMatch(/w\d's held-task report built at t=\d+ left out attempt 1 of \S+ \(lease \S+\), which it had started at t=\d+ and finished at t=\d+, its result not yet acknowledged/);
  });
});

describe('a checkpoint, then a non-terminal status change, then a restart on the SQLite store', () => {
  // sqlite-crash-restart's paused-long attempts save checkpoints, are paused (the row's state rewritten),
  // the coordinator restarts while they are paused, and the resume claims them again. The loss is judged
  // by promise 7: across a crash the checkpoint walk of promise 6 defers to it (promises-state.ts).
  it('durability: a row state written on a status change without the checkpoint resumes the paused attempt from scratch', { timeout: 60_000 }, async () => {
    const v = await run('sqlite-crash-restart', { wrapStore: statusWriteDropsCheckpoint() });
    expect(v.passed).toBe(false);
    expect(v.promises, v.text).toContain('durability');
    expect(v.text).toMatch(/checkpoint \d+ was acknowledged before the crash at t=8600, but the first claim after the restart resumes from no checkpoint/);
  });
});

describe('the SQLite store with its thread: operations queued while a group commits', () => {
  // sqlite-crash-restart runs the store as the production coordinator does (thread: true), its thread simulated on
  // virtual time (coordinator.sqliteThreadMs): groups in flight while the engine issues more (blind set 11 #30).
  it('store-health: a flush that does not schedule what queued behind the group in flight leaves writes waiting', { timeout: 60_000 }, async () => {
    const { out: v, stalled } = await withQueueNotRescheduled(() => run('sqlite-crash-restart'));
    expect(stalled).toBeGreaterThan(0);
    expect(v.passed).toBe(false);
    expect(v.promises, v.text).toContain('store-health');
    expect(v.text).toMatch(/a \w+ staged at t=\d+ took \d+ ms to commit, beyond the store's bound of 77 ms/);
  });
});
