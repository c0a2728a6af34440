import { describe, expect, it } from 'vitest';
import type { ToWorker } from '../protocol/messages.js';
import { resolveCoordinatorConfig } from './config.js';
import { sessionSetup as setup } from './testing.js';


const assign = (id: string) => ({ type: 'assign' as const, executionId: id, attempt: 1, leaseToken: `ls_${id}`, kind: 'echo', params: null });

describe('Session', () => {
  it('numbers reliable messages, buffers them until acked, re-sends above lastSeq in order', () => {
    const { sent, s, clock } = setup();
    s.sendReliable(assign('a'));
    s.sendReliable(assign('b'));
    s.sendReliable(assign('c'));
    expect(sent.map((m) => ('seq' in m ? m.seq : 0))).toEqual([1, 2, 3]);
    s.onPeerAck(1);
    expect(s.outboxDepth).toBe(2);
    s.detach(clock.now());
    s.sendReliable(assign('d')); // queued while away
    expect(sent).toHaveLength(3);
    const again: ToWorker[] = [];
    s.attach({ send: (m) => (again.push(m), true) });
    s.resend(2);
    expect(again.map((m) => ('seq' in m ? m.seq : 0))).toEqual([3, 4]);
    expect(s.pendingAssignments().map((a) => a.executionId)).toEqual(['c', 'd']);
  });

  it('acks only contiguous committed seqs, once per delay, and never duplicates', () => {
    const { sent, s, clock } = setup();
    expect(s.admit(1)).toBe('new');
    expect(s.admit(2)).toBe('new');
    expect(s.admit(2)).toBe('duplicate');
    s.commit(2);
    clock.advance(5);
    expect(sent.filter((m) => m.type === 'ack')).toHaveLength(0);
    s.commit(1);
    expect(s.committed).toBe(2);
    expect(sent.filter((m) => m.type === 'ack')).toHaveLength(0); // batched
    clock.advance(2);
    expect(sent.filter((m) => m.type === 'ack').map((m) => m.ack)).toEqual([2]);
    expect(s.admit(1)).toBe('duplicate');
    clock.advance(10);
    expect(sent.filter((m) => m.type === 'ack')).toHaveLength(1);
  });

  it('piggybacks the ack on outgoing messages instead of sending an explicit one', () => {
    const { sent, s, clock } = setup();
    s.admit(1);
    s.commit(1);
    s.sendUnreliable({ type: 'ping', id: 1, t: 0 });
    clock.advance(5);
    expect(sent.map((m) => [m.type, m.ack])).toEqual([['ping', 1]]);
  });

  it('lets an abandoned seq be admitted again (re-sent after a failed commit)', () => {
    const { s } = setup();
    s.admit(1);
    s.abandon(1);
    expect(s.admit(1)).toBe('new');
  });
});

describe('resolveCoordinatorConfig', () => {
  it('fills defaults', () => {
    expect(resolveCoordinatorConfig({})).toMatchObject({ heartbeatMs: 1000, heartbeatTimeoutMs: 3000, leaseMs: 15_000, registerTimeoutMs: 5000, maxFrameBytes: 1024 * 1024, sessionTtlMs: 60_000, signMessages: false, compression: { thresholdBytes: 1024 } });
  });
  it.each([
    [{ heartbeatMs: 0 }, 'heartbeatMs'],
    [{ heartbeatMs: 1000, heartbeatTimeoutMs: 500 }, 'heartbeatTimeoutMs'],
    [{ signMessages: true }, 'signMessages'],
    [{ port: 70000 }, 'port'],
    [{ compression: { thresholdBytes: -1 } }, 'compression.thresholdBytes'],
    [{ secret: '' }, 'secret'],
  ])('rejects %j naming %s', (cfg, path) => {
    expect(() => resolveCoordinatorConfig(cfg)).toThrow(expect.objectContaining({ path }));
  });
});
