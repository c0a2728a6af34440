/**
 * Coalescing in the worker's outbox (outbox.ts) beyond outbox.test.ts: pongs
 * coalesce like pings, a coalesced message is accepted (true) without taking
 * another unit of capacity, and heartbeats of the two kinds never replace
 * each other. Written for survivors of the mutation run (docs/MUTATION.md round 3).
 */
import { describe, expect, it } from 'vitest';
import { type OutMessage, Outbox, OutPriority } from './outbox.js';

const progress = (id: string, fraction: number): OutMessage => ({ type: 'progress', executionId: id, leaseToken: `ls_${id}`, fraction });

describe('Outbox coalescing', () => {
  it('keeps one pong and one ping, the newest of each', () => {
    const o = new Outbox(10);
    expect(o.enqueue({ type: 'pong', id: 1, t: 1 })).toBe(true);
    expect(o.enqueue({ type: 'ping', id: 5, t: 5 })).toBe(true);
    expect(o.enqueue({ type: 'pong', id: 2, t: 2 })).toBe(true);
    expect(o.queued()).toEqual([
      { type: 'pong', id: 2, t: 2 },
      { type: 'ping', id: 5, t: 5 },
    ]);
  });

  it('accepts a superseding progress report even when the capacity is used up, without using more of it', () => {
    const o = new Outbox(1);
    expect(o.enqueue(progress('a', 0.1))).toBe(true);
    expect(o.enqueue(progress('a', 0.2))).toBe(true);
    expect(o.enqueue(progress('b', 0.1))).toBe(false);
    expect(o.queued()).toEqual([progress('a', 0.2)]);
    o.take();
    expect(o.enqueue(progress('b', 0.3))).toBe(true);
  });

  it('a disconnect discards queued heartbeats only, never a drain, ack or error queued beside them', () => {
    const o = new Outbox(10);
    o.enqueue({ type: 'drain' });
    o.enqueue({ type: 'ping', id: 1, t: 1 });
    o.enqueue({ type: 'error', code: 'x', message: 'y' });
    o.enqueue({ type: 'pong', id: 1, t: 1 });
    o.onDisconnect();
    expect(o.queued()).toEqual([{ type: 'drain' }, { type: 'error', code: 'x', message: 'y' }]);
  });

  it('take() and peek() never reach past the priority allowed', () => {
    const o = new Outbox(10);
    o.enqueue({ type: 'result', executionId: 'ex_1', attempt: 1, leaseToken: 'ls_1', outcome: 'completed', durationMs: 1 });
    expect(o.peek(OutPriority.control)).toBeUndefined();
    expect(o.take(OutPriority.control)).toBeUndefined();
    expect(o.take(OutPriority.task)?.seq).toBe(1);
  });

  it('taking an unbounded message frees no capacity', () => {
    const o = new Outbox(1);
    expect(o.enqueue({ type: 'data', payload: 'a' })).toBe(true);
    o.enqueue({ type: 'ping', id: 1, t: 1 });
    o.take(); // the ping
    expect(o.enqueue({ type: 'data', payload: 'b' })).toBe(false);
  });
});
