/**
 * One regression test per "Task execution engine" item of
 * KNOWN_FAILURE_MODES.md, items 4-5 (how work ends: timeout and cancel, dependents of failed work). Each scenario passes against the real Engine
 * and is shown to FAIL against a deliberately broken variant (a subclass
 * overriding one seam, or a wrapper; shared ones in broken-engines.ts), so the
 * test can catch the defect. Items 1-3: known-failures-scheduling.test.ts; item 7:
 * known-failures-smaller.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ExecutionId, LeaseToken, WorkerId } from '../../system/core/ids.js';
import type { Dispatcher } from '../../system/engine/contract.js';
import { Engine } from '../../system/engine/engine.js';
import { startEngine } from '../../system/engine/testing.js';
import { type Make, RequeueDependents, variant } from './broken-engines.js';
import { claim, expectCaught, report, W1, W2 } from './helpers.js';

// ---------------------------------------------------------------- item 4
/** The original: the late result of a stopped attempt overwrote CANCELLED/TIMEOUT. */
class UnfencedEngine extends Engine {
  override async onResult(r: Parameters<Engine['onResult']>[0]) {
    const rec = this.get(r.executionId);
    if (rec !== undefined && rec.lease?.token !== r.leaseToken && r.outcome === 'completed') {
      rec.status = 'completed';
      rec.result = r.result;
      return 'recorded' as const;
    }
    return super.onResult(r);
  }
}
/** The original: timeout and cancel never reached the work (no abort). */
class NoAbortEngine extends Engine {
  override setDispatcher(d: Dispatcher): void {
    super.setDispatcher({
      wake: () => d.wake(),
      abort: (w: WorkerId, id: ExecutionId, t: LeaseToken, reason) => {
        if (reason !== 'cancel' && reason !== 'timeout') d.abort(w, id, t, reason);
      },
    });
  }
}

async function stopScenario(make?: (...a: Make) => Engine): Promise<void> {
  const { engine, time, dispatcher } = await startEngine({ config: { timeoutGraceMs: 50 }, ...(make ? { make } : {}) });
  // Cancel: aborts the holder; its late result changes nothing.
  const c = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 10_000 } });
  const ca = claim(engine, W1);
  await engine.onStarted(ca.executionId, ca.attempt, ca.leaseToken);
  await engine.cancelExecution(c.executionId);
  expect(dispatcher.aborts).toContainEqual({ workerId: W1, executionId: c.executionId, leaseToken: ca.leaseToken, reason: 'cancel' });
  expect(await engine.onResult(report(ca, 'completed'))).toBe('stale');
  expect(engine.getExecution(c.executionId)?.status).toBe('cancelled');
  // Timeout with a retry: the old attempt's late result neither completes it nor disturbs the new attempt.
  const t = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 10_000 }, timeoutMs: 100, retry: { strategy: 'immediate', maxRetries: 1 } });
  const t1 = claim(engine, W1);
  await engine.onStarted(t1.executionId, t1.attempt, t1.leaseToken);
  await time.tickAsync(150);
  expect(dispatcher.aborts).toContainEqual({ workerId: W1, executionId: t.executionId, leaseToken: t1.leaseToken, reason: 'timeout' });
  const t2 = claim(engine, W2);
  expect(await engine.onResult(report(t1, 'completed'))).not.toBe('recorded');
  expect(engine.getExecution(t.executionId)).toMatchObject({ status: 'preparing', lease: { workerId: W2, token: t2.leaseToken } });
  await time.tickAsync(150);
  expect(await engine.onResult(report(t2, 'completed'))).not.toBe('recorded');
  expect(engine.getExecution(t.executionId)).toMatchObject({ status: 'timeout', attempts: 2 });
}

describe('4. timeout and cancel stop the work; late results never overwrite', () => {
  it('passes on the engine, fails without fencing and without aborts', async () => {
    await stopScenario();
    await expectCaught(() => stopScenario(variant(UnfencedEngine)));
    await expectCaught(() => stopScenario(variant(NoAbortEngine)));
  });
});

// ---------------------------------------------------------------- item 5

async function dependentsScenario(make?: (...a: Make) => Engine): Promise<void> {
  const { engine, time } = await startEngine(make ? { make } : {});
  for (const end of ['failed', 'cancelled', 'timeout'] as const) {
    const root = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 1 }, retry: { strategy: 'none' } });
    const mid = await engine.scheduleTask({ kind: 'echo', dependencies: [root.executionId] });
    const leaf = await engine.scheduleTask({ kind: 'echo', dependencies: [mid.executionId, root.executionId] });
    if (end === 'cancelled') await engine.cancelExecution(root.executionId);
    else await engine.onResult(report(claim(engine), end));
    await time.tickAsync(60_000);
    for (const id of [mid.executionId, leaf.executionId]) {
      const r = engine.getExecution(id);
      expect(r?.status, `dependent of a ${end} execution`).toBe('failed');
      expect(r?.statusHistory.at(-1)?.reason).toBe('dependency_failed');
      expect(r?.completedAt).toBeTypeOf('number');
    }
  }
}

describe('5. dependents of failed work end at once', () => {
  it('fails dependents of failed, cancelled and timed-out executions transitively', async () => {
    await dependentsScenario();
    await expectCaught(() => dependentsScenario(variant(RequeueDependents)));
  });
});
