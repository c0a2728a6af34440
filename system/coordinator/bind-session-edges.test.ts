/**
 * Binding a registration to its worker entry (bind-session.ts) on a test
 * context: a session resumes exactly up to sessionTtlMs after its detach, an
 * older connection of the same id is replaced (told, detached, traced), and
 * the reconnect metrics. Written for survivors of the mutation run
 * (docs/MUTATION.md round 3).
 */
import { describe, expect, it } from 'vitest';
import { asWorkerId } from '../core/ids.js';
import { PROTOCOL_VERSION, type Register } from '../protocol/messages.js';
import { bindSession } from './bind-session.js';
import { testContext } from './testing.js';

const w1 = asWorkerId('w1');
const reg = (resume?: { sessionId: string; lastSeq: number }): Register => ({
  v: PROTOCOL_VERSION,
  type: 'register',
  protocolVersion: PROTOCOL_VERSION,
  workerId: 'w1',
  clientNonce: 'c'.repeat(32),
  capabilities: { kinds: ['sleep', 'echo'], concurrency: 3 },
  ...(resume === undefined ? {} : { resume }),
});

describe('bindSession', () => {
  it('resumes the named session up to sessionTtlMs after its detach, and starts a new one after', () => {
    const { ctx, registry } = testContext();
    const ttl = ctx.config.sessionTtlMs;
    const first = bindSession(ctx, 'c1', w1, reg(), 1000, 0);
    expect(first.resumable).toBe(false);
    registry.detach(w1, 'c1', 2000, 0);
    const again = bindSession(ctx, 'c2', w1, reg({ sessionId: first.session.id, lastSeq: 0 }), 2000 + ttl, 0);
    expect(again.resumable).toBe(true);
    expect(again.session).toBe(first.session);
    registry.detach(w1, 'c2', 5000, 0);
    again.entry.draining = true;
    const late = bindSession(ctx, 'c3', w1, reg({ sessionId: first.session.id, lastSeq: 0 }), 5000 + ttl + 1, 0);
    expect(late.resumable).toBe(false);
    expect(late.session).not.toBe(first.session);
    expect(late.entry.draining).toBe(false);
    expect(late.entry).toMatchObject({ state: 'connected', connectionId: 'c3', concurrency: 3, connectedAt: 5000 + ttl + 1 });
    expect([...late.entry.kinds]).toEqual(['sleep', 'echo']);
  });

  it('does not resume a session it does not know, or without a resume request', () => {
    const { ctx, registry } = testContext();
    const first = bindSession(ctx, 'c1', w1, reg(), 1000, 0);
    registry.detach(w1, 'c1', 1000, 0);
    expect(bindSession(ctx, 'c2', w1, reg({ sessionId: 'ss_other', lastSeq: 0 }), 1001, 0).resumable).toBe(false);
    registry.detach(w1, 'c2', 1002, 0);
    expect(bindSession(ctx, 'c3', w1, reg(), 1003, 0).session).not.toBe(first.session);
  });

  it('replaces an older live connection of the same id: tells it, detaches its session, traces it', () => {
    const { ctx, connections, events } = testContext();
    const first = bindSession(ctx, 'c1', w1, reg(), 1000, 0);
    const told: string[] = [];
    connections.set('c1', { connectionId: 'c1', bufferedAmount: 0, timeoutMs: 1000, tick: () => {}, replaceBy: (id) => told.push(id), shutdown: () => {} });
    const second = bindSession(ctx, 'c2', w1, reg({ sessionId: first.session.id, lastSeq: 0 }), 1500, 0);
    expect(told).toEqual(['c2']);
    expect(events).toEqual([{ type: 'worker_replaced', workerId: 'w1', oldConnectionId: 'c1', newConnectionId: 'c2' }]);
    expect(second.resumable).toBe(true);
    expect(first.session.attached).toBe(false);
    expect(second.entry.connectionId).toBe('c2');
  });

  it('the same connection registering again replaces nothing', () => {
    const { ctx, connections, events } = testContext();
    bindSession(ctx, 'c1', w1, reg(), 1000, 0);
    const told: string[] = [];
    connections.set('c1', { connectionId: 'c1', bufferedAmount: 0, timeoutMs: 1000, tick: () => {}, replaceBy: (id) => told.push(id), shutdown: () => {} });
    bindSession(ctx, 'c1', w1, reg(), 1100, 0);
    expect(told).toEqual([]);
    expect(events).toEqual([]);
  });

  it('counts reconnects of a known worker, and how long it was away only when it was away', async () => {
    const { ctx, registry } = testContext();
    bindSession(ctx, 'c1', w1, reg(), 1000, 100);
    expect(registry.get(w1)?.reconnects).toBe(0);
    registry.detach(w1, 'c1', 2000, 1_000);
    bindSession(ctx, 'c2', w1, reg(), 3000, 3_500);
    bindSession(ctx, 'c3', w1, reg(), 4000, 9_000); // replaces c2: was connected, not away
    expect(registry.get(w1)?.reconnects).toBe(2);
    const h = (await ctx.metrics.reconnectDuration.get()).values;
    expect(h.find((x) => x.metricName?.endsWith('_count'))?.value).toBe(1);
    expect(h.find((x) => x.metricName?.endsWith('_sum'))?.value).toBe(2.5);
  });
});

describe('bindSession: kind sets', () => {
  it('workers advertising the same kinds share one read-only set; other lists get their own', () => {
    const { ctx } = testContext();
    const a = bindSession(ctx, 'c1', asWorkerId('wa'), { ...reg(), workerId: 'wa' }, 1000, 0).entry;
    const b = bindSession(ctx, 'c2', asWorkerId('wb'), { ...reg(), workerId: 'wb' }, 1000, 0).entry;
    const c = bindSession(ctx, 'c3', asWorkerId('wc'), { ...reg(), workerId: 'wc', capabilities: { kinds: ['echo'], concurrency: 1 } }, 1000, 0).entry;
    expect(a.kinds).toBe(b.kinds);
    expect(c.kinds).not.toBe(a.kinds);
    expect([...c.kinds]).toEqual(['echo']);
  });
});
