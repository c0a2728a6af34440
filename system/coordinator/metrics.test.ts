import { describe, expect, it } from 'vitest';
import { CoordinatorMetrics } from './metrics.js';
import type { BreakerState } from '../engine/contract.js';

const sources = { outboxDepth: () => 0, workersByState: () => ({}), executionsByStatus: () => ({}), breakerStates: (): Record<string, BreakerState> => ({}) };

describe('CoordinatorMetrics.countMessage', () => {
  it('message counts and bytes show on every scrape, each message counted once', async () => {
    const m = new CoordinatorMetrics(sources);
    m.countMessage('in', 'ping', 40);
    m.countMessage('in', 'ping', 42);
    m.countMessage('out', 'pong', 0);
    let body = (await m.text()).body;
    expect(body).toContain('squall_messages_total{type="ping",direction="in"} 2');
    expect(body).toContain('squall_message_bytes_total{type="ping",direction="in"} 82');
    expect(body).toContain('squall_messages_total{type="pong",direction="out"} 1');
    expect(body).toContain('squall_message_bytes_total{type="pong",direction="out"} 0');
    m.countMessage('in', 'ping', 8);
    body = (await m.text()).body;
    expect(body).toContain('squall_messages_total{type="ping",direction="in"} 3');
    expect(body).toContain('squall_message_bytes_total{type="ping",direction="in"} 90');
    // A scrape with nothing new changes nothing.
    expect((await m.text()).body).toContain('squall_messages_total{type="ping",direction="in"} 3');
  });
});

describe('CoordinatorMetrics runtime and breaker gauges', () => {
  it('runtime metrics live in each coordinator registry: two in one process both export them, the global registry stays empty', async () => {
    const { register } = await import('prom-client');
    const a = new CoordinatorMetrics({ ...sources, runtime: true });
    const b = new CoordinatorMetrics({ ...sources, runtime: true });
    for (const m of [a, b]) {
      const body = (await m.text()).body;
      expect(body).toContain('process_cpu_seconds_total');
      expect(body).toContain('process_resident_memory_bytes');
      expect(body).toContain('nodejs_eventloop_lag_seconds');
      expect(body).toContain('squall_connections');
    }
    expect(await register.metrics()).not.toContain('process_cpu_seconds_total');
    expect((await new CoordinatorMetrics(sources).text()).body).not.toContain('process_cpu_seconds_total');
  });

  it('breaker states, one spelling, as 0 closed / 1 half-open / 2 open', async () => {
    const m = new CoordinatorMetrics({ ...sources, breakerStates: () => ({ a: 'closed' as const, b: 'half-open' as const, c: 'open' as const }) });
    const body = (await m.text()).body;
    expect(body).toContain('squall_breaker_state{kind="a"} 0');
    expect(body).toContain('squall_breaker_state{kind="b"} 1');
    expect(body).toContain('squall_breaker_state{kind="c"} 2');
  });
});
