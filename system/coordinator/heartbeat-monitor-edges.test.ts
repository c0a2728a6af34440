// Edges of the heartbeat monitor that mutation testing showed no test pinned
// (docs/MUTATION.md): the tick period, the stall threshold, the lost and
// session-expiry boundaries, and stop().
import { describe, expect, it } from 'vitest';
import type { Clock, TimerHandle } from '../core/clock.js';
import { asSessionId, asWorkerId } from '../core/ids.js';
import { silentLogger } from '../core/logger.js';
import { resolveCoordinatorConfig } from './config.js';
import type { CoordinatorContext, LiveConnection } from './context.js';
import { HeartbeatMonitor } from './heartbeat-monitor.js';
import { WorkerRegistry } from './registry.js';
import { Session } from './session.js';

function setup(config = { heartbeatMs: 100, heartbeatTimeoutMs: 300, leaseMs: 1000, sessionTtlMs: 2000 }) {
  let now = 0;
  const intervals: { ms: number; cancelled: boolean }[] = [];
  const clock = {
    now: () => now,
    monotonic: () => now,
    setInterval: (_fn: () => void, ms: number): TimerHandle => {
      const t = { ms, cancelled: false };
      intervals.push(t);
      return { cancel: () => (t.cancelled = true) };
    },
    setTimeout: (): TimerHandle => ({ cancel: () => {} }),
  } as Clock;
  const judged: boolean[] = [];
  const conn: LiveConnection = { connectionId: 'c1', bufferedAmount: 0, timeoutMs: 3000, tick: (_m, judge) => judged.push(judge), replaceBy: () => {}, shutdown: () => {} };
  const registry = new WorkerRegistry();
  const ctx = {
    config: resolveCoordinatorConfig(config),
    clock,
    logger: silentLogger,
    registry,
    connections: new Map([['c1', conn]]),
    emit: () => {},
  } as unknown as Omit<CoordinatorContext, 'wake'>;
  return { monitor: new HeartbeatMonitor(ctx), judged, registry, intervals, clock, advance: (ms: number) => (now += ms), at: () => now };
}

describe('HeartbeatMonitor edges', () => {
  it('ticks every half of the smaller of the heartbeat period and half the timeout', () => {
    const a = setup();
    a.monitor.start();
    expect(a.intervals.map((i) => i.ms)).toEqual([50]); // min(100, 150) / 2
    const b = setup({ heartbeatMs: 1000, heartbeatTimeoutMs: 1200, leaseMs: 1000, sessionTtlMs: 2000 });
    b.monitor.start();
    b.monitor.start(); // idempotent
    expect(b.intervals.map((i) => i.ms)).toEqual([300]); // min(1000, 600) / 2
  });

  it('stop() cancels the interval and a later start() makes a new one', () => {
    const { monitor, intervals } = setup();
    monitor.start();
    monitor.stop();
    expect(intervals[0]?.cancelled).toBe(true);
    monitor.start();
    expect(intervals).toHaveLength(2);
  });

  it('judges silence after a gap of exactly four periods, not after a longer one', () => {
    const { monitor, judged, advance } = setup();
    monitor.tick();
    advance(200); // 4 x 50: not a stall
    monitor.tick();
    advance(201);
    monitor.tick();
    expect(judged).toEqual([true, true, false]);
  });

  it('marks a worker lost only after strictly more than leaseMs disconnected', () => {
    const { monitor, registry, advance, at } = setup();
    const { entry } = registry.getOrCreate(asWorkerId('w1'));
    entry.connectionId = 'c9';
    entry.state = 'connected';
    advance(5000);
    registry.detach(asWorkerId('w1'), 'c9', at(), at());
    advance(1000);
    monitor.tick();
    expect(entry.state).toBe('disconnected');
    advance(1);
    monitor.tick();
    expect(entry.state).toBe('lost');
  });

  it('forgets a detached session only after strictly more than sessionTtlMs, and never an attached one', () => {
    const { monitor, registry, advance, clock } = setup();
    const { entry } = registry.getOrCreate(asWorkerId('w1'));
    const detached = new Session(asSessionId('ss_1'), asWorkerId('w1'), clock, 2);
    entry.session = detached;
    advance(3000);
    detached.detach(3000);
    advance(2000);
    monitor.tick();
    expect(entry.session).toBe(detached);
    advance(1);
    monitor.tick();
    expect(entry.session).toBeUndefined();

    const attached = new Session(asSessionId('ss_2'), asWorkerId('w1'), clock, 2);
    attached.attach({ send: () => true });
    entry.session = attached;
    advance(100_000);
    monitor.tick();
    expect(entry.session).toBe(attached);
  });
});
