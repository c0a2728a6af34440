import { describe, expect, it } from 'vitest';
import { type OutMessage, Outbox } from './outbox.js';

const result = (id: string): OutMessage => ({ type: 'result', executionId: id, attempt: 1, leaseToken: `ls_${id}`, outcome: 'completed', durationMs: 1 });
const checkpoint = (id: string, seq: number): OutMessage => ({
  type: 'checkpoint',
  executionId: id,
  attempt: 1,
  leaseToken: `ls_${id}`,
  checkpoint: { seq, state: { seq } },
});
const progress = (id: string, fraction: number): OutMessage => ({ type: 'progress', executionId: id, leaseToken: `ls_${id}`, fraction });
const data = (payload: string): OutMessage => ({ type: 'data', payload });
const ping = (id: number): OutMessage => ({ type: 'ping', id, t: id });

function drain(o: Outbox): Array<{ msg: OutMessage; seq?: number }> {
  const out = [];
  for (let t = o.take(); t; t = o.take()) out.push(t);
  return out;
}

describe('Outbox', () => {
  it('sends by priority, FIFO within a priority', () => {
    const o = new Outbox(100);
    o.enqueue(data('d1'));
    o.enqueue(progress('a', 0.1));
    o.enqueue(result('r1'));
    o.enqueue(ping(1));
    o.enqueue(checkpoint('r2', 1));
    o.enqueue(result('r2'));
    o.enqueue({ type: 'sync', tasks: [] });
    o.enqueue(data('d2'));
    expect(drain(o).map((t) => `${t.msg.type}:${'executionId' in t.msg ? t.msg.executionId : 'payload' in t.msg ? t.msg.payload : ''}`)).toEqual([
      'sync:',
      'ping:',
      'result:r1',
      'checkpoint:r2',
      'result:r2',
      'progress:a',
      'data:d1',
      'data:d2',
    ]);
  });

  it('assigns seqs to reliable messages at send time, in send order', () => {
    const o = new Outbox(100);
    o.enqueue(data('x'));
    o.enqueue(result('a'));
    o.enqueue(ping(1));
    const sent = drain(o);
    expect(sent.map((t) => [t.msg.type, t.seq])).toEqual([
      ['ping', undefined],
      ['result', 1],
      ['data', 2],
    ]);
    expect(o.unackedCount).toBe(2);
  });

  it('coalesces progress per execution and heartbeats, keeping the slot', () => {
    const o = new Outbox(100);
    o.enqueue(progress('a', 0.1));
    o.enqueue(progress('b', 0.1));
    o.enqueue(progress('a', 0.5));
    o.enqueue(ping(1));
    o.enqueue(ping(2));
    const sent = drain(o).map((t) => t.msg);
    expect(sent).toEqual([ping(2), progress('a', 0.5), progress('b', 0.1)]);
  });

  it('never drops results or checkpoints; capacity bounds droppable kinds and backpressures data', () => {
    const o = new Outbox(3);
    expect(o.enqueue(data('1'))).toBe(true);
    expect(o.enqueue(progress('a', 0.1))).toBe(true);
    expect(o.enqueue(data('2'))).toBe(true);
    expect(o.enqueue(data('3'))).toBe(false);
    expect(o.enqueue(progress('b', 0.1))).toBe(false);
    for (let i = 0; i < 50; i++) {
      expect(o.enqueue(result(`r${i}`))).toBe(true);
      expect(o.enqueue(checkpoint(`r${i}`, 1))).toBe(true);
    }
    const sent = drain(o);
    expect(sent.filter((t) => t.msg.type === 'result')).toHaveLength(50);
    expect(sent.filter((t) => t.msg.type === 'checkpoint')).toHaveLength(50);
    // after draining, capacity is free again
    expect(o.enqueue(data('4'))).toBe(true);
  });

  it('cumulative ack removes everything up to n and returns it', () => {
    const o = new Outbox(100);
    for (const id of ['a', 'b', 'c']) o.enqueue(result(id));
    drain(o);
    expect(o.ack(2).map((s) => s.seq)).toEqual([1, 2]);
    expect(o.ack(2)).toEqual([]);
    expect(o.pendingAcks().map((s) => s.seq)).toEqual([3]);
  });

  it('resumed session: re-sends what is above lastSeq with the original seqs, in order', () => {
    const o = new Outbox(100);
    for (const id of ['a', 'b', 'c', 'd']) o.enqueue(result(id));
    drain(o);
    const { resend, acked } = o.resume(2);
    expect(acked.map((s) => s.seq)).toEqual([1, 2]);
    expect(resend.map((s) => [s.seq, (s.msg as { executionId: string }).executionId])).toEqual([
      [3, 'c'],
      [4, 'd'],
    ]);
    o.enqueue(result('e'));
    expect(o.take()?.seq).toBe(5);
  });

  it('new session: renumbers unacked from 1 in original order and drops a stale sync', () => {
    const o = new Outbox(100);
    o.enqueue({ type: 'sync', tasks: [] });
    o.enqueue(result('a'));
    o.enqueue(checkpoint('b', 1));
    drain(o);
    const resend = o.renumber();
    expect(resend.map((s) => [s.seq, s.msg.type])).toEqual([
      [1, 'result'],
      [2, 'checkpoint'],
    ]);
    o.enqueue(result('c'));
    expect(o.take()?.seq).toBe(3);
  });

  it('discards stale heartbeats on disconnect but keeps everything else queued in order', () => {
    const o = new Outbox(2);
    o.enqueue(ping(1));
    o.enqueue({ type: 'pong', id: 7, t: 7 });
    o.enqueue(result('a'));
    o.enqueue(data('x'));
    o.onDisconnect();
    expect(o.queued().map((m) => m.type)).toEqual(['result', 'data']);
  });

  it('never refuses a heartbeat, even when data filled the capacity', () => {
    const o = new Outbox(2);
    expect(o.enqueue(data('x'))).toBe(true);
    expect(o.enqueue(data('y'))).toBe(true);
    expect(o.enqueue(data('z'))).toBe(false);
    expect(o.enqueue(ping(1))).toBe(true);
    expect(o.enqueue({ type: 'pong', id: 1, t: 1 })).toBe(true);
    expect(o.take()?.msg.type).toBe('ping');
  });

  it('counts reliable messages outstanding (queued or unacked)', () => {
    const o = new Outbox(100);
    o.enqueue(result('a'));
    o.enqueue(progress('a', 1));
    expect(o.reliableOutstanding).toBe(1);
    o.take();
    expect(o.reliableOutstanding).toBe(1);
    o.ack(1);
    expect(o.reliableOutstanding).toBe(0);
  });
});
