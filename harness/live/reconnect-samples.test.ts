import { describe, expect, it } from 'vitest';
import type { SystemEvent } from '../../system/core/events.js';
import { healSamples, restoreSamples } from './reconnect-samples.js';

const ev = (mono: number, source: string, type: string, extra: Record<string, unknown> = {}): { mono: number; event: SystemEvent } => ({
  mono,
  event: { type, source, at: mono, workerId: source, ...extra } as unknown as SystemEvent,
});

describe('healSamples', () => {
  it('measures heal to synced, and beyond the backoff the worker had chosen', () => {
    const events = [
      ev(0, 'w1', 'synced'),
      ev(10, 'w1', 'disconnected', { code: 1006, reason: 'x' }),
      ev(10, 'w1', 'backoff', { delayMs: 50 }),
      ev(60, 'w1', 'connecting'),
      ev(61, 'w1', 'backoff', { delayMs: 200 }), // refused; waits until 261
      ev(261, 'w1', 'connecting'),
      ev(264, 'w1', 'connected'),
      ev(265, 'w1', 'synced'),
    ];
    const m = healSamples(events, 100, undefined);
    expect(m.neverSynced).toEqual([]);
    expect(m.samples).toHaveLength(1);
    const s = m.samples[0]!;
    expect(s.ms).toBe(165);
    expect(s.beyondBackoffMs).toBe(4); // 265 - max(100, 61 + 200)
    expect(s.failedAttempts).toBe(0);
  });

  it('starts the attempt at heal when the backoff ended before it, and counts failed attempts after heal', () => {
    const events = [
      ev(10, 'w2', 'disconnected', { code: 1006, reason: 'x' }),
      ev(10, 'w2', 'backoff', { delayMs: 20 }),
      ev(30, 'w2', 'connecting'), // in flight at heal, fails
      ev(110, 'w2', 'backoff', { delayMs: 5 }),
      ev(115, 'w2', 'connecting'),
      ev(130, 'w2', 'synced'),
    ];
    const [s] = healSamples(events, 100).samples;
    expect(s?.ms).toBe(30);
    expect(s?.beyondBackoffMs).toBe(15);
    expect(s?.failedAttempts).toBe(1);
    // Only attempts from the confirmation on count as failures.
    expect(healSamples(events, 100, undefined, 112).samples[0]?.failedAttempts).toBe(0);
  });

  it('skips workers synced at heal and reports those that never sync', () => {
    const events = [ev(0, 'up', 'synced'), ev(5, 'down', 'disconnected', { code: 1006, reason: '' }), ev(6, 'down', 'backoff', { delayMs: 10 })];
    const m = healSamples(events, 100);
    expect(m.samples).toEqual([]);
    expect(m.neverSynced).toEqual(['down']);
  });

  it('restoreSamples keeps one sample per synced event, from the latest restoration', () => {
    const events = [ev(10, 'w1', 'disconnected', { code: 1006, reason: '' }), ev(10, 'w1', 'backoff', { delayMs: 500 }), ev(510, 'w1', 'connecting'), ev(520, 'w1', 'synced')];
    const s = restoreSamples(events, [{ mono: 100, workers: ['w1'] }, { mono: 300 }]);
    expect(s).toHaveLength(1);
    expect(s[0]?.ms).toBe(220);
  });
});
