import { describe, expect, it } from 'vitest';
import { CoordinatorMetrics } from './metrics.js';

const sources = { outboxDepth: () => 0, workersByState: () => ({}), executionsByStatus: () => ({}), breakerStates: () => ({}) };

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
