import { describe, expect, it } from 'vitest';
import { asLeaseToken, asWorkerId } from '../core/ids.js';
import { makeExecutionRecord } from '../store/testing.js';
import type { ExecutionRecord } from '../core/model.js';
import { dependencyState, recoveryAction } from './recovery.js';

function world(...recs: ExecutionRecord[]) {
  const byId = new Map(recs.map((r) => [r.executionId, r]));
  return (id: string) => byId.get(id as ExecutionRecord['executionId']);
}

describe('recoveryAction', () => {
  it('has an action for every status and drops nothing', () => {
    const lease = { workerId: asWorkerId('w'), token: asLeaseToken('ls_1'), attempt: 1, expiresAt: 0 };
    const lookup = world();
    expect(recoveryAction(makeExecutionRecord({ status: 'running', lease }), lookup)).toEqual({ type: 'keep-lease' });
    expect(recoveryAction(makeExecutionRecord({ status: 'preparing', lease }), lookup)).toEqual({ type: 'keep-lease' });
    expect(recoveryAction(makeExecutionRecord({ status: 'running' }), lookup)).toMatchObject({ type: 'requeue' });
    expect(recoveryAction(makeExecutionRecord({ status: 'retrying' }), lookup)).toEqual({ type: 'queue' });
    expect(recoveryAction(makeExecutionRecord({ status: 'scheduled' }), lookup)).toEqual({ type: 'queue' });
    for (const status of ['paused', 'completed', 'failed', 'cancelled', 'timeout'] as const) {
      expect(recoveryAction(makeExecutionRecord({ status }), lookup)).toEqual({ type: 'none' });
    }
  });

  it('re-evaluates pending executions against their dependencies', () => {
    const done = makeExecutionRecord({ status: 'completed' });
    const going = makeExecutionRecord({ status: 'running' });
    const failed = makeExecutionRecord({ status: 'timeout' });
    const lookup = world(done, going, failed);
    const pending = (deps: ExecutionRecord[]) => makeExecutionRecord({ status: 'pending', dependencies: deps.map((d) => d.executionId) });
    expect(recoveryAction(pending([done]), lookup)).toEqual({ type: 'ready' });
    expect(recoveryAction(pending([done, going]), lookup)).toEqual({ type: 'wait' });
    expect(recoveryAction(pending([going, failed]), lookup)).toEqual({ type: 'dependency-failed', dependency: failed.executionId, status: 'timeout' });
  });

  it('sends a scheduled dependent whose dependency has not completed back to pending, and fails one whose dependency ended unsuccessfully', () => {
    const done = makeExecutionRecord({ status: 'completed' });
    const going = makeExecutionRecord({ status: 'running' });
    const failed = makeExecutionRecord({ status: 'failed' });
    const lookup = world(done, going, failed);
    const scheduled = (deps: ExecutionRecord[]) => makeExecutionRecord({ status: 'scheduled', dependencies: deps.map((d) => d.executionId) });
    expect(recoveryAction(scheduled([done]), lookup)).toEqual({ type: 'queue' });
    expect(recoveryAction(scheduled([done, going]), lookup)).toEqual({ type: 'unready' });
    expect(recoveryAction(scheduled([done, failed]), lookup)).toEqual({ type: 'dependency-failed', dependency: failed.executionId, status: 'failed' });
  });

  it('treats a pruned (missing) dependency as completed', () => {
    const rec = makeExecutionRecord({ status: 'pending', dependencies: [makeExecutionRecord().executionId] });
    expect(dependencyState(rec, world())).toEqual({ state: 'done' });
  });
});
