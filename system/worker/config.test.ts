import { describe, expect, it } from 'vitest';
import { normalizeCoordinatorUrl, workerConfigWithDefaults } from './config.js';

describe('worker config', () => {
  it('appends /ws only when the URL has no path, never twice', () => {
    expect(normalizeCoordinatorUrl('ws://127.0.0.1:7070')).toBe('ws://127.0.0.1:7070/ws');
    expect(normalizeCoordinatorUrl('ws://127.0.0.1:7070/')).toBe('ws://127.0.0.1:7070/ws');
    expect(normalizeCoordinatorUrl('ws://127.0.0.1:7070/ws')).toBe('ws://127.0.0.1:7070/ws');
    expect(normalizeCoordinatorUrl('ws://h:1/custom/path')).toBe('ws://h:1/custom/path');
    expect(() => normalizeCoordinatorUrl('http://h:1')).toThrow(/ws:\/\//);
    expect(() => normalizeCoordinatorUrl('not a url')).toThrow(/coordinatorUrl/);
  });

  it('fills defaults', () => {
    const c = workerConfigWithDefaults({ id: 'w1', coordinatorUrl: 'ws://h:1', secret: 's' });
    expect(c).toMatchObject({
      concurrency: 1,
      heartbeatMs: 1000,
      heartbeatTimeoutMs: undefined,
      handshakeTimeoutMs: 5000,
      maxFrameBytes: 1024 * 1024,
      outboxCapacity: 10_000,
      perMessageDeflate: false,
      maxAttempts: Infinity,
      backoff: { strategy: 'full-jitter', initialMs: 100, maxMs: 10_000, multiplier: 2 },
      handBackGraceMs: 2000,
    });
  });

  it('rejects bad values naming the field', () => {
    const base = { id: 'w1', coordinatorUrl: 'ws://h:1', secret: 's' };
    expect(() => workerConfigWithDefaults({ ...base, concurrency: 0 })).toThrow(/concurrency must be an integer/);
    expect(() => workerConfigWithDefaults({ ...base, id: '' })).toThrow(/id must be a non-empty string/);
    expect(() => workerConfigWithDefaults({ ...base, heartbeatMs: 1000, heartbeatTimeoutMs: 500 })).toThrow(/heartbeatTimeoutMs must be greater/);
    expect(() => workerConfigWithDefaults({ ...base, backoff: { initialMs: 10, maxMs: 5 } })).toThrow('backoff.maxMs must be >= backoff.initialMs');
    expect(() => workerConfigWithDefaults({ ...base, handBackGraceMs: -1 })).toThrow(/handBackGraceMs must be an integer >= 0/);
  });

  it('without a secret: loopback only and no dangerous kinds, unless insecure', () => {
    expect(() => workerConfigWithDefaults({ id: 'w1', coordinatorUrl: 'ws://coord.example:7070' })).toThrow(/without a secret would obey anyone at coord\.example/);
    expect(() => workerConfigWithDefaults({ id: 'w1', coordinatorUrl: 'ws://127.0.0.1:7070', allowKinds: ['command'] })).toThrow(/allowKinds \(command\) needs a secret/);
    expect(workerConfigWithDefaults({ id: 'w1', coordinatorUrl: 'ws://localhost:7070' }).secret).toBeUndefined();
    expect(workerConfigWithDefaults({ id: 'w1', coordinatorUrl: 'ws://coord.example:7070', insecure: true }).coordinatorUrl).toBe('ws://coord.example:7070/ws');
    expect(workerConfigWithDefaults({ id: 'w1', coordinatorUrl: 'wss://coord.example:7070', secret: 's', allowKinds: ['command'] }).allowKinds.has('command')).toBe(true);
  });
});
