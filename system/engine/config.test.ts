import { describe, expect, it } from 'vitest';
import { engineConfigWithDefaults } from './config.js';
import { testTaskKinds } from './testing.js';

describe('engineConfigWithDefaults', () => {
  it('fills defaults', () => {
    const c = engineConfigWithDefaults({ taskKinds: testTaskKinds() });
    expect(c).toMatchObject({ maxConcurrentExecutions: 10_000, leaseMs: 15_000, leaseSweepMs: 3750, timeoutGraceMs: 2000 });
    expect(c.breaker).toEqual({ enabled: true, failureThreshold: 5, resetTimeoutMs: 30_000, halfOpenMaxCalls: 1 });
    expect(engineConfigWithDefaults({ taskKinds: testTaskKinds(), leaseMs: 100 }).leaseSweepMs).toBe(50);
    expect(engineConfigWithDefaults({ taskKinds: testTaskKinds(), breaker: false }).breaker.enabled).toBe(false);
  });

  it('rejects bad values naming the field', () => {
    expect(() => engineConfigWithDefaults({ taskKinds: testTaskKinds(), leaseMs: 0 })).toThrow('EngineConfig.leaseMs must be > 0, got 0');
    expect(() => engineConfigWithDefaults({ taskKinds: testTaskKinds(), breaker: { halfOpenMaxCalls: 0 } })).toThrow(
      /EngineConfig.breaker.halfOpenMaxCalls must be an integer > 0/,
    );
    expect(() => engineConfigWithDefaults({ taskKinds: testTaskKinds(), defaultRetry: { maxRetries: -1 } })).toThrow(
      /EngineConfig.defaultRetry.maxRetries/,
    );
  });
});
