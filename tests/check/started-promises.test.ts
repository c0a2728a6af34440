/**
 * Promise 11, starts (harness/check/promises-started.ts), on synthetic
 * histories: a worker that starts one lease twice, or reports one start
 * twice, is reported; once is not. A checkpoint sent before its attempt's
 * start is reported (promises-outbox.ts checkAttemptOrder, blind set 12 #23);
 * so is an assign handed to the worker's logic that it neither started nor
 * refused (promises-assign-acted.ts, blind set 12 #22), and an abort the
 * coordinator queued before the assign of its lease (same file).
 * (The other half, a start the coordinator never saw, is shown on a real run
 * with a broken decoder: tests/sim/broken-started.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const started = (h: H, lease: string): H => h.emit('w1', { type: 'task_started', executionId: 'e1', workerId: 'w1', attempt: 1, leaseToken: lease });

describe('11 delivery: an assign runs once', () => {
  it('reports a lease started twice by one worker, not two leases started once each', () => {
    const twice = started(started(new H().connect('w1').at(10), 'ls1').at(50), 'ls1');
    expect(checkHistory(twice.history(), ['delivery'], baseContext).map((v) => v.message)).toEqual([
      expect.stringMatching(/w1 started lease ls1 \(attempt 1 of e1\) again at t=\d+, after starting it at t=\d+: an assign runs once/),
    ]);
    const once = started(started(new H().connect('w1').at(10), 'ls1').at(50), 'ls2');
    expect(checkHistory(once.history(), ['delivery'], baseContext)).toEqual([]);
  });
});

describe('11 delivery: a start is reported once', () => {
  const sent = (h: H, seq: number, msgType: string, lease: string, carriesStart = false): H =>
    h.emit('w1', { type: 'msg_sent', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', seq, msgType, key: `${msgType}:e1/${lease}${msgType === 'result' ? '/completed' : ''}`, resend: false, ...(carriesStart ? { carriesStart: true as const } : {}) });

  it('reports a started and then a result carrying the same start, not a start reported once either way', () => {
    const once = new H().connect('w1').at(10);
    sent(sent(sent(once, 1, 'started', 'ls1'), 2, 'result', 'ls1'), 3, 'result', 'ls2', true);
    expect(checkHistory(once.history(), ['delivery'], baseContext)).toEqual([]);
    const twice = new H().connect('w1').at(10);
    sent(sent(twice, 1, 'started', 'ls1'), 2, 'result', 'ls1', true);
    expect(checkHistory(twice.history(), ['delivery'], baseContext).map((v) => v.message)).toEqual([
      expect.stringMatching(/w1 reported the start of lease ls1 \(e1\) twice: a started \(seq 1\) at t=10, then its result \(seq 2\) carrying the start at t=10/),
    ]);
  });
});

describe('11 delivery: an attempt\'s start leaves before its checkpoints', () => {
  const sent = (h: H, seq: number, key: string, carriesStart = false): H =>
    h.emit('w1', { type: 'msg_sent', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', seq, msgType: key.slice(0, key.indexOf(':')), key, resend: false, ...(carriesStart ? { carriesStart: true as const } : {}) });

  it('reports a checkpoint sent before the started of its lease, not one sent after it', () => {
    const inOrder = new H().connect('w1').at(10);
    sent(sent(sent(inOrder, 1, 'started:e1/ls1'), 2, 'checkpoint:e1/ls1/1'), 3, 'result:e1/ls1/paused');
    expect(checkHistory(inOrder.history(), ['delivery'], baseContext)).toEqual([]);
    const early = new H().connect('w1').at(10);
    sent(sent(early, 1, 'checkpoint:e1/ls1/1'), 2, 'result:e1/ls1/paused', true);
    expect(checkHistory(early.history(), ['delivery'], baseContext).map((v) => v.message)).toEqual([
      expect.stringMatching(/w1 sent checkpoint 1 of lease ls1 \(seq 1\) at t=10 before that attempt's started/),
    ]);
  });
});

describe('11 delivery: an assign is run or refused', () => {
  const delivered = (h: H, lease: string): H =>
    h.emit('w1', { type: 'msg_delivered', workerId: 'w1', sessionId: 's-w1', dir: 'to_worker', seq: 1, msgType: 'assign', key: `assign:e1/${lease}` });

  it('reports an assign neither started nor refused, not one started or refused with a result', () => {
    expect(checkHistory(started(delivered(new H().connect('w1').at(10), 'ls1'), 'ls1').history(), ['delivery'], baseContext)).toEqual([]);
    const refused = delivered(new H().connect('w1').at(10), 'ls1').emit('w1', { type: 'msg_sent', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', seq: 1, msgType: 'result', key: 'result:e1/ls1/revoked', resend: false });
    expect(checkHistory(refused.history(), ['delivery'], baseContext)).toEqual([]);
    const dropped = started(delivered(new H().connect('w1').at(10), 'ls2'), 'ls1');
    expect(checkHistory(dropped.history(), ['delivery'], baseContext).map((v) => v.message)).toEqual([
      expect.stringMatching(/w1 was handed the assign of lease ls2 \(e1, seq 1\) at t=10 and neither started it nor refused it with a result/),
    ]);
  });
});

describe('11 delivery: an abort never precedes the assign of its lease', () => {
  /** The coordinator queues `key` for w1 (first send) with this seq. */
  const queued = (h: H, seq: number, key: string, resend = false): H =>
    h.emit('coordinator', { type: 'msg_sent', workerId: 'w1', sessionId: 's-w1', dir: 'to_worker', seq, msgType: key.slice(0, key.indexOf(':')), key, resend });

  it('reports an abort queued before its assign, not one queued after it, nor an abort of a lease never assigned', () => {
    const inOrder = new H().connect('w1').at(10);
    queued(queued(queued(inOrder, 1, 'assign:e1/ls1'), 2, 'abort:e1/ls1/cancel'), 3, 'abort:e2/ls9/revoked');
    expect(checkHistory(inOrder.history(), ['delivery'], baseContext)).toEqual([]);
    const early = new H().connect('w1').at(10);
    queued(early, 6, 'abort:e1/ls1/cancel').at(40);
    queued(queued(early, 7, 'assign:e1/ls1'), 6, 'abort:e1/ls1/cancel', true);
    expect(checkHistory(early.history(), ['delivery'], baseContext).map((v) => v.message)).toEqual([
      expect.stringMatching(/queued the abort "cancel" of lease ls1 \(e1\) for w1 at t=10 \(seq 6\) before that lease's assign \(seq 7, t=40\): an abort never precedes the assign of its lease/),
    ]);
  });
});
