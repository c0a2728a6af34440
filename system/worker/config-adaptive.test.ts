import { describe, expect, it } from 'vitest';
import { workerConfigWithDefaults } from './config.js';

const base = { id: 'w1', coordinatorUrl: 'ws://127.0.0.1:7070' };

describe('worker adaptive heartbeat options', () => {
  it('defaults: adaptive, ceiling 60 s (or the fixed timeout when larger), k = 2', () => {
    const c = workerConfigWithDefaults(base);
    expect([c.adaptiveHeartbeat, c.heartbeatTimeoutMaxMs, c.rttFactor]).toEqual([true, 60_000, 2]);
    expect(workerConfigWithDefaults({ ...base, heartbeatTimeoutMs: 90_000 }).heartbeatTimeoutMaxMs).toBe(90_000);
  });

  it('rejects a ceiling below the timeout and a factor out of range, naming the field', () => {
    expect(() => workerConfigWithDefaults({ ...base, heartbeatTimeoutMs: 5000, heartbeatTimeoutMaxMs: 4000 })).toThrow(/heartbeatTimeoutMaxMs must be >= heartbeatTimeoutMs/);
    expect(() => workerConfigWithDefaults({ ...base, rttFactor: 0.5 })).toThrow(/rttFactor must be a number between 1 and 100/);
    expect(() => workerConfigWithDefaults({ ...base, rttFactor: Number.NaN })).toThrow(/rttFactor/);
  });
});
