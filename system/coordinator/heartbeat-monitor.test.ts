import { describe, expect, it } from 'vitest';
import type { Clock } from '../core/clock.js';
import type { SystemEvent } from '../core/events.js';
import { asWorkerId } from '../core/ids.js';
import { silentLogger } from '../core/logger.js';
import { resolveCoordinatorConfig } from './config.js';
import type { CoordinatorContext, LiveConnection } from './context.js';
import { HeartbeatMonitor } from './heartbeat-monitor.js';
import { WorkerRegistry } from './registry.js';

function setup() {
  let now = 0;
  const clock = { now: () => now, monotonic: () => now } as Clock;
  const judged: boolean[] = [];
  const conn: LiveConnection = { connectionId: 'c1', bufferedAmount: 0, timeoutMs: 3000, tick: (_m, judge) => judged.push(judge), replaceBy: () => {}, shutdown: () => {} };
  const events: SystemEvent[] = [];
  const registry = new WorkerRegistry();
  const ctx = {
    config: resolveCoordinatorConfig({ heartbeatMs: 100, heartbeatTimeoutMs: 300, leaseMs: 1000, sessionTtlMs: 2000 }),
    clock,
    logger: silentLogger,
    registry,
    connections: new Map([['c1', conn]]),
    emit: (e: { type: string }) => events.push({ ...e, at: now, source: 'coordinator' } as SystemEvent),
  } as unknown as Omit<CoordinatorContext, 'wake'>;
  return { monitor: new HeartbeatMonitor(ctx), judged, events, registry, advance: (ms: number) => (now += ms), at: () => now };
}

describe('HeartbeatMonitor', () => {
  it('does not judge silence on the first tick after this process stalled', () => {
    const { monitor, judged, advance } = setup();
    monitor.tick();
    advance(50);
    monitor.tick();
    advance(1000); // the process was stalled: frames that arrived meanwhile are unread
    monitor.tick();
    advance(50);
    monitor.tick();
    expect(judged).toEqual([true, true, false, true]);
  });

  it('marks a worker lost once, after leaseMs without a connection', () => {
    const { monitor, events, registry, advance, at } = setup();
    const { entry } = registry.getOrCreate(asWorkerId('w1'));
    entry.connectionId = 'c9';
    entry.state = 'connected';
    registry.detach(asWorkerId('w1'), 'c9', at(), at());
    advance(900);
    monitor.tick();
    expect(entry.state).toBe('disconnected');
    advance(200);
    monitor.tick();
    monitor.tick();
    expect(entry.state).toBe('lost');
    expect(events.filter((e) => e.type === 'worker_lost')).toHaveLength(1);
  });
});
