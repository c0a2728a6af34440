// Edges of the coordinator's Session that mutation testing showed no test
// pinned (docs/MUTATION.md): re-acks of duplicates, the exact admit boundary,
// dispose, the explicit-ack delay with its extra, what counts as a pending
// assignment, and sending while detached.
import { describe, expect, it } from 'vitest';
import { asSessionId, asWorkerId } from '../core/ids.js';
import type { ToWorker } from '../protocol/messages.js';
import { Session } from './session.js';
import { manualClock, sessionSetup as setup } from './testing.js';



describe('Session edges', () => {
  it('a duplicate of the last committed seq is a duplicate (not only older ones)', () => {
    const { s } = setup();
    s.admit(1);
    s.admit(2);
    s.commit(1);
    s.commit(2);
    expect(s.admit(2)).toBe('duplicate');
    expect(s.admit(3)).toBe('new');
  });

  it('re-acks a duplicate of a committed seq: the worker missed our ack, it gets it again', () => {
    const { sent, s, clock } = setup();
    s.admit(1);
    s.commit(1);
    clock.advance(2);
    const acks = (): number[] => sent.filter((m) => m.type === 'ack').map((m) => m.ack ?? -1);
    expect(acks()).toEqual([1]);
    s.reack();
    clock.advance(2);
    expect(acks()).toEqual([1, 1]);
  });

  it('waits ackDelayMs plus the extra before an explicit ack', () => {
    const clock = manualClock();
    const sent: ToWorker[] = [];
    const s = new Session(asSessionId('ss_1'), asWorkerId('w1'), clock, 2, undefined, { fires: () => false, extraMs: () => 10 });
    s.attach({ send: (m) => (sent.push(m), true) });
    s.admit(1);
    s.commit(1);
    clock.advance(11);
    expect(sent).toEqual([]);
    clock.advance(1);
    expect(sent.map((m) => m.type)).toEqual(['ack']);
  });

  it('dispose() stops a pending ack', () => {
    const { sent, s, clock } = setup();
    s.admit(1);
    s.commit(1);
    s.dispose();
    clock.advance(10);
    expect(sent).toEqual([]);
    expect(s.attached).toBe(false);
  });

  it('counts only assigns (sent or committing) as pending assignments, not aborts', () => {
    const { s } = setup();
    s.sendReliable({ type: 'assign', executionId: 'a', attempt: 1, leaseToken: 'ls_a', kind: 'echo', params: null });
    s.sendReliable({ type: 'abort', executionId: 'b', leaseToken: 'ls_b', reason: 'cancel' });
    s.claimStarted({ executionId: 'c', attempt: 2, leaseToken: 'ls_c' });
    expect(s.pendingAssignments().map((a) => a.executionId).sort()).toEqual(['a', 'c']);
    s.claimSettled('ls_c');
    expect(s.pendingAssignments().map((a) => a.executionId)).toEqual(['a']);
  });

  it('drops unreliable messages while detached and says so', () => {
    const { sent, s, clock } = setup();
    expect(s.attached).toBe(true);
    s.detach(clock.now());
    expect(s.attached).toBe(false);
    expect(s.sendUnreliable({ type: 'ping', id: 1, t: 0 })).toBe(false);
    expect(sent).toEqual([]);
  });
});
