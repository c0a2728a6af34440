/**
 * Synthetic histories for promise 20 (acked-committed): a worker's started,
 * result or checkpoint that the coordinator acknowledged must have a committed
 * effect (running status, result_recorded / result_rejected, checkpoint_saved) by the next
 * coordinator crash. Refusals (stale, duplicate) and checkpoints under a
 * lease that had already ended are acknowledged legitimately.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { parseDurableKey } from '../../harness/check/promises-acked.js';
import { H, baseContext } from './builder.js';

const check = (h: H): string[] => checkHistory(h.history(), ['acked-committed'], baseContext).map((v) => v.message);
const crash = { id: 'k1', action: 'restart', target: 'coordinator', workers: [], coordinator: true };

/** w1 sends a reliable message (seq, key) in session s-w1 and the coordinator hands it over. */
function send(h: H, seq: number, msgType: string, key: string): H {
  const m = { workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator' as const, seq, msgType, key };
  h.emit('w1', { type: 'msg_sent', ...m, resend: false });
  return h.emit('coordinator', { type: 'msg_delivered', ...m });
}
const ack = (h: H, upTo: number): H => h.emit('w1', { type: 'msg_acked', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', upTo });
const result = (token = 'L1'): string => `result:e1/${token}/completed`;

describe('20 acked-committed', () => {
  it('parses the durable keys and nothing else', () => {
    expect(parseDurableKey('result:e1/L1/completed')).toEqual({ kind: 'result', executionId: 'e1', leaseToken: 'L1', detail: 'completed' });
    expect(parseDurableKey('checkpoint:e1/L1/3')).toEqual({ kind: 'checkpoint', executionId: 'e1', leaseToken: 'L1', detail: '3' });
    expect(parseDurableKey('started:e1/L1')).toEqual({ kind: 'started', executionId: 'e1', leaseToken: 'L1', detail: '' });
    expect(parseDurableKey('started:e1')).toBeUndefined();
    expect(parseDurableKey('drain')).toBeUndefined();
    expect(parseDurableKey(undefined)).toBeUndefined();
  });

  it('passes a result and a checkpoint acknowledged after their commit', () => {
    const h = new H().connect('w1').submit('e1').claim('e1', 'w1', 1, 'L1').start('e1', 'w1', 1, 'L1');
    send(h.at(10), 1, 'checkpoint', 'checkpoint:e1/L1/1').checkpoint('e1', 1, 1);
    ack(h.at(12), 1);
    send(h.at(20), 2, 'result', result()).finish('e1', 'w1', 1, 'L1');
    ack(h.at(22), 2).fault('start', crash).at(30).fault('stop', crash);
    expect(check(h)).toEqual([]);
  });

  it('passes refusals: a stale or duplicate result, a checkpoint under an ended lease or behind a saved one', () => {
    const h = new H().connect('w1').submit('e1').claim('e1', 'w1', 1, 'L1').start('e1', 'w1', 1, 'L1');
    h.checkpoint('e1', 2, 1);
    send(h.at(5), 1, 'checkpoint', 'checkpoint:e1/L1/2');
    ack(h.at(6), 1);
    h.at(10).expire('e1', 'w1', 1, 'L1');
    send(h.at(11), 2, 'checkpoint', 'checkpoint:e1/L1/3');
    send(h, 3, 'result', result());
    h.emit('coordinator', { type: 'result_rejected', executionId: 'e1', leaseToken: 'L1', attempt: 1, reason: 'stale' });
    ack(h.at(12), 3).fault('start', crash).at(20).fault('stop', crash);
    expect(check(h)).toEqual([]);
  });

  it('reports a result acknowledged before its commit and lost in the crash that followed', () => {
    const h = new H().connect('w1').submit('e1').claim('e1', 'w1', 1, 'L1').start('e1', 'w1', 1, 'L1');
    send(h.at(20), 1, 'result', result());
    ack(h.at(21), 1).fault('start', crash).at(30).fault('stop', crash);
    // After the restart the task is redone under a new lease: nothing is lost end to end.
    h.claim('e1', 'w1', 2, 'L2').start('e1', 'w1', 2, 'L2').finish('e1', 'w1', 2, 'L2');
    expect(check(h)).toEqual([
      expect.stringMatching(/^w1: result result:e1\/L1\/completed \(seq 1, session s-w1\) was acknowledged at t=21, but the coordinator committed no result_recorded or result_rejected for that lease before its next crash/),
    ]);
  });

  it('reports a checkpoint acknowledged and never saved, even when its lease ends after the ack', () => {
    const h = new H().connect('w1').submit('e1').claim('e1', 'w1', 1, 'L1').start('e1', 'w1', 1, 'L1');
    send(h.at(10), 1, 'checkpoint', 'checkpoint:e1/L1/1');
    ack(h.at(11), 1);
    h.at(40).expire('e1', 'w1', 1, 'L1');
    expect(check(h)).toEqual([expect.stringMatching(/checkpoint checkpoint:e1\/L1\/1 .* no checkpoint_saved at seq >= 1 while the lease was live before the run ended/)]);
  });

  it('does not count an effect committed only after the crash that followed the ack', () => {
    const h = new H().connect('w1').submit('e1').claim('e1', 'w1', 1, 'L1').start('e1', 'w1', 1, 'L1');
    send(h.at(10), 1, 'checkpoint', 'checkpoint:e1/L1/1');
    ack(h.at(11), 1).fault('start', crash).at(20).fault('stop', crash);
    h.checkpoint('e1', 1, 1);
    expect(check(h)).toHaveLength(1);
  });

  it('passes a started acknowledged after the running status committed, or under a lease already ended', () => {
    const h = new H().connect('w1').submit('e1').claim('e1', 'w1', 1, 'L1');
    send(h.at(10), 1, 'started', 'started:e1/L1');
    h.start('e1', 'w1', 1, 'L1');
    ack(h.at(11), 1);
    h.at(20).expire('e1', 'w1', 1, 'L1').claim('e1', 'w1', 2, 'L2');
    send(h.at(21), 2, 'started', 'started:e1/L1');
    ack(h.at(22), 2).fault('start', crash).at(30).fault('stop', crash);
    expect(check(h)).toEqual([]);
  });

  it('reports a started acknowledged before the running status committed and lost in the crash', () => {
    const h = new H().connect('w1').submit('e1').claim('e1', 'w1', 1, 'L1');
    send(h.at(10), 1, 'started', 'started:e1/L1');
    ack(h.at(11), 1).fault('start', crash).at(30).fault('stop', crash);
    // After the restart the running status commits (re-sent by nobody: the worker dropped it at the ack).
    h.start('e1', 'w1', 1, 'L1');
    expect(check(h)).toEqual([
      expect.stringMatching(/^w1: started started:e1\/L1 \(seq 1, session s-w1\) was acknowledged at t=11, but the coordinator committed no running status for that lease while it was live before its next crash/),
    ]);
  });

  it('does not take the running status of a later lease for the acknowledged started', () => {
    const h = new H().connect('w1').submit('e1').claim('e1', 'w1', 1, 'L1');
    send(h.at(10), 1, 'started', 'started:e1/L1');
    ack(h.at(11), 1);
    h.at(40).claim('e1', 'w2', 2, 'L2', undefined, 'preparing').start('e1', 'w2', 2, 'L2');
    expect(check(h)).toEqual([expect.stringMatching(/started started:e1\/L1 .* no running status for that lease/)]);
  });

  describe('writes a storage fault failed (the commit observer marks their events not committed)', () => {
    /** A store write of these keys is staged now and fails (or commits). */
    const write = (h: H, keys: string[], fate: 'failed' | 'committed'): H => {
      const token = h.rec.staged({ op: 'test', keys });
      if (fate === 'failed') h.rec.failed(token);
      else h.rec.committed(token);
      return h;
    };

    it('reports a checkpoint acknowledged although its write failed, and passes it once a retry committed', () => {
      const h = new H().connect('w1').submit('e1').claim('e1', 'w1', 1, 'L1').start('e1', 'w1', 1, 'L1');
      send(h.at(10), 1, 'checkpoint', 'checkpoint:e1/L1/1');
      write(h, ['checkpoint_saved|e1|1'], 'failed').checkpoint('e1', 1, 1);
      ack(h.at(11), 1);
      expect(check(h)).toEqual([expect.stringMatching(/checkpoint checkpoint:e1\/L1\/1 .* no checkpoint_saved at seq >= 1 .*: its store write failed and it was acknowledged anyway/)]);
      const retried = new H().connect('w1').submit('e1').claim('e1', 'w1', 1, 'L1').start('e1', 'w1', 1, 'L1');
      send(retried.at(10), 1, 'checkpoint', 'checkpoint:e1/L1/1');
      write(retried, ['checkpoint_saved|e1|1'], 'failed');
      write(retried.at(20), ['checkpoint_saved|e1|1'], 'committed').checkpoint('e1', 1, 1);
      ack(retried.at(21), 1);
      expect(check(retried)).toEqual([]);
    });

    it('reports a started and a result acknowledged although their writes failed', () => {
      const h = new H().connect('w1').submit('e1').claim('e1', 'w1', 1, 'L1');
      send(h.at(10), 1, 'started', 'started:e1/L1');
      write(h, ['status|e1|running'], 'failed').start('e1', 'w1', 1, 'L1');
      ack(h.at(11), 1);
      send(h.at(20), 2, 'result', result());
      write(h, ['status|e1|completed', 'result_recorded|e1'], 'failed').finish('e1', 'w1', 1, 'L1');
      ack(h.at(21), 2);
      const v = check(h);
      expect(v).toHaveLength(2);
      expect(v[0]).toMatch(/started started:e1\/L1 .*its store write failed and it was acknowledged anyway/);
      expect(v[1]).toMatch(/result result:e1\/L1\/completed .*its store write failed and it was acknowledged anyway/);
    });

    it('reports a submission acknowledged to the client although its write failed', () => {
      const h = write(new H().connect('w1').at(5), ['submitted|e1'], 'failed').submit('e1');
      expect(check(h)).toEqual([expect.stringMatching(/^client: submission of e1 was acknowledged at t=5, but its store write failed at t=5 and nothing committed it/)]);
      // A write that failed but was never announced, then a committed one: nothing to report.
      const ok = write(write(new H().connect('w1').at(5), ['submitted|e1'], 'failed').at(9), ['submitted|e1'], 'committed').submit('e1');
      expect(check(ok)).toEqual([]);
    });
  });
});
