import { describe, expect, it } from 'vitest';
import { resolveCoordinatorConfig } from './config.js';
import { coordinatorTimeoutPolicy } from './link-timing.js';

describe('coordinator adaptive heartbeat and admission options', () => {
  it('defaults: adaptive, ceiling 60 s, k = 2, 256 pending handshakes, early sync offered', () => {
    const c = resolveCoordinatorConfig({});
    expect([c.adaptiveHeartbeat, c.heartbeatTimeoutMaxMs, c.rttFactor, c.maxPendingHandshakes, c.earlySync]).toEqual([true, 60_000, 2, 256, true]);
  });

  it('rejects bad values with the option named', () => {
    expect(() => resolveCoordinatorConfig({ heartbeatTimeoutMaxMs: 1000 })).toThrow(/heartbeatTimeoutMaxMs \(1000\) must be >= heartbeatTimeoutMs/);
    expect(() => resolveCoordinatorConfig({ rttFactor: 200 })).toThrow(/rttFactor must be a number between 1 and 100/);
    expect(() => resolveCoordinatorConfig({ maxPendingHandshakes: 0 })).toThrow(/maxPendingHandshakes must be a positive integer/);
  });

  it('the adaptive ceiling stays a heartbeat below the lease, never below the floor', () => {
    expect(coordinatorTimeoutPolicy(resolveCoordinatorConfig({ heartbeatMs: 50, heartbeatTimeoutMs: 400, leaseMs: 600 })).maxMs).toBe(550);
    expect(coordinatorTimeoutPolicy(resolveCoordinatorConfig({ heartbeatMs: 1000, heartbeatTimeoutMs: 3000, leaseMs: 2000 })).maxMs).toBe(3000);
    expect(coordinatorTimeoutPolicy(resolveCoordinatorConfig({})).maxMs).toBe(14_000);
  });
});
