/**
 * One regression test per "Task execution engine" item of
 * KNOWN_FAILURE_MODES.md, item 7 (smaller defects: stats, the completion time of a timeout, the
 * circuit breaker). Each scenario passes against the real Engine
 * and is shown to FAIL against a deliberately broken variant (a subclass
 * overriding one seam, or a wrapper; shared ones in broken-engines.ts), so the
 * test can catch the defect. Items 1-3: known-failures-scheduling.test.ts; items 4-5:
 * known-failures-ending.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ExecutionId } from '../../system/core/ids.js';
import { CircuitBreakers } from '../../system/engine/circuit-breaker.js';
import type { TerminalStatus, ErrorInfo } from '../../system/engine/core.js';
import { Engine } from '../../system/engine/engine.js';
import type { ExecutionRecord, ExecutionStatus } from '../../system/core/model.js';
import { StatsCollector } from '../../system/engine/stats.js';
import { startEngine } from '../../system/engine/testing.js';
import { type Make, variant } from './broken-engines.js';
import { claim, expectCaught, report, W1, W2 } from './helpers.js';

// ---------------------------------------------------------------- item 7
/** The original: every failed attempt counted as a failed execution. */
class AttemptCountingStats extends StatsCollector {
  override onTransition(rec: ExecutionRecord, from: ExecutionStatus, to: ExecutionStatus, terminal: boolean): void {
    super.onTransition(rec, from, to, terminal || to === 'failed');
  }
}
class AttemptStatsEngine extends Engine {
  protected override createStats(samples: number): StatsCollector {
    return new AttemptCountingStats(samples);
  }
}

async function attemptStatsScenario(make?: (...a: Make) => Engine): Promise<void> {
  const { engine } = await startEngine(make ? { make } : {});
  await engine.scheduleTask({ kind: 'fail', params: { times: 1 }, retry: { strategy: 'immediate', maxRetries: 1 } });
  await engine.onResult(report(claim(engine), 'failed'));
  await engine.onResult(report(claim(engine), 'completed'));
  expect(engine.getExecutionStats()).toMatchObject({ byKind: { fail: { completed: 1, failed: 0, successRate: 1 } }, retried: 1 });
}

/** The original: TIMEOUT set no completion time. */
class NoTimeoutCompletion extends Engine {
  protected override finish(rec: ExecutionRecord, to: TerminalStatus, reason: string, error?: ErrorInfo, abortHolder?: boolean): Promise<void> {
    const p = super.finish(rec, to, reason, error, abortHolder);
    if (to === 'timeout') rec.completedAt = undefined;
    return p;
  }
}

async function timeoutCompletionScenario(make?: (...a: Make) => Engine): Promise<void> {
  const { engine, time } = await startEngine(make ? { make } : {});
  const rec = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 1000 }, timeoutMs: 10, retry: { strategy: 'none' } });
  await engine.onResult(report(claim(engine), 'timeout'));
  await time.settle();
  const r = engine.getExecution(rec.executionId);
  expect(r?.status).toBe('timeout');
  expect(r?.completedAt).toBe(time.clock.now());
}

/** Breaker variants: unused in the claim path; success not resetting; half-open letting one too many through. */
class UnusedBreaker extends Engine {
  protected override breakerAllows(): boolean {
    return true;
  }
}
class NoResetBreakers extends CircuitBreakers {
  override onSuccess(kind: string, id: ExecutionId): void {
    if (this.state(kind) !== 'closed') super.onSuccess(kind, id);
  }
}
class LeakyHalfOpen extends CircuitBreakers {
  private readonly skipped = new Set<string>();
  override onClaim(kind: string, id: ExecutionId): void {
    if (this.state(kind) === 'half-open' && !this.skipped.has(kind)) {
      this.skipped.add(kind);
      return;
    }
    super.onClaim(kind, id);
  }
}
const withBreakers = (B: typeof CircuitBreakers) =>
  class extends Engine {
    protected override createBreakers(config: ConstructorParameters<typeof CircuitBreakers>[1], onReopenable: () => void): CircuitBreakers {
      return new B(this.clock, config, onReopenable);
    }
  };

async function breakerScenario(make?: (...a: Make) => Engine): Promise<void> {
  const { engine, time } = await startEngine({
    config: { breaker: { failureThreshold: 2, resetTimeoutMs: 1000, halfOpenMaxCalls: 1 } },
    ...(make ? { make } : {}),
  });
  const failOnce = async (): Promise<void> => {
    await engine.scheduleTask({ kind: 'fail', retry: { strategy: 'none' } });
    await engine.onResult(report(claim(engine, W1, new Set(['fail'])), 'failed'));
  };
  // A success between failures resets the count: 1 failure, success, 1 failure → still closed.
  await failOnce();
  await engine.scheduleTask({ kind: 'fail' });
  await engine.onResult(report(claim(engine, W1, new Set(['fail'])), 'completed'));
  await failOnce();
  expect(engine.breakerState('fail')).toBe('closed');
  // A second consecutive failure opens it: work of that kind is held back, other kinds flow.
  await failOnce();
  expect(engine.breakerState('fail')).toBe('open');
  await engine.scheduleTaskBatch([{ kind: 'fail' }, { kind: 'fail' }, { kind: 'echo' }]);
  expect(engine.claimNext(W1, new Set(['fail']))).toBeUndefined();
  expect(claim(engine, W1).kind).toBe('echo');
  expect(engine.getExecutionStats()).toMatchObject({ breakers: { fail: 'open' } });
  // Half-open: exactly halfOpenMaxCalls (1) trial goes through; its success closes the breaker.
  await time.tickAsync(1000);
  const trial = claim(engine, W1, new Set(['fail']));
  expect(engine.claimNext(W2, new Set(['fail']))).toBeUndefined();
  await engine.onResult(report(trial, 'completed'));
  expect(engine.breakerState('fail')).toBe('closed');
  expect(claim(engine, W2, new Set(['fail'])).kind).toBe('fail');
}

describe('7. smaller defects', () => {
  it('a failed attempt that is retried is not a failed execution', async () => {
    await attemptStatsScenario();
    await expectCaught(() => attemptStatsScenario(variant(AttemptStatsEngine)));
  });

  it('TIMEOUT sets the completion time', async () => {
    await timeoutCompletionScenario();
    await expectCaught(() => timeoutCompletionScenario(variant(NoTimeoutCompletion)));
  });

  it('the circuit breaker is in the claim path, resets on success, and half-open admits exactly halfOpenMaxCalls', async () => {
    await breakerScenario();
    await expectCaught(() => breakerScenario(variant(UnusedBreaker)));
    await expectCaught(() => breakerScenario(variant(withBreakers(NoResetBreakers))));
    await expectCaught(() => breakerScenario(variant(withBreakers(LeakyHalfOpen))));
  });
});
