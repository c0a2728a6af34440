/**
 * Synthetic histories for the rules judged from the worker's own trace
 * (harness/check/promises-trace.ts): each flags the history with the pattern
 * of its defect class (docs/DEFECTS.md 07, 08, 10, 17) and accepts the one
 * without it.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { PromiseName } from '../../harness/check/promises.js';
import { baseContext, H } from './builder.js';

const messages = (h: H, p: PromiseName): string[] => checkHistory(h.history(), [p], baseContext).map((v) => v.message);

/** A worker's reliable send to the coordinator, keyed like system/protocol/message-key.ts. */
function sent(h: H, w: string, seq: number, key: string, resend = false, session = `s-${w}`): H {
  const msgType = key.slice(0, key.indexOf(':'));
  return h.emit(w, { type: 'msg_sent', workerId: w, sessionId: session, dir: 'to_coordinator', seq, msgType, key, resend });
}

describe('6 checkpoints as the worker numbers them', () => {
  const resumed = (seqs: number[]): H => {
    const h = new H().phase('faults').connect('w1').connect('w2').submit('x');
    h.at(10).claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1').checkpoint('x', 1, 1).checkpoint('x', 2, 1);
    h.at(500).expire('x', 'w1', 1, 't1').claim('x', 'w2', 2, 't2', 2).start('x', 'w2', 2, 't2');
    seqs.forEach((s, i) => sent(h.at(600 + i * 100), 'w2', i + 1, `checkpoint:x/t2/${s}`));
    return h;
  };
  it('flags a resumed attempt that numbers from 1 again', () => {
    expect(messages(resumed([1, 2, 3]), 'checkpoints')).toEqual([
      expect.stringMatching(/w2 sent checkpoint 1 of attempt 2 \(lease t2\) as new, though it resumed from checkpoint 2/),
      expect.stringMatching(/sent checkpoint 2 of attempt 2 .* though it resumed from checkpoint 2/),
    ]);
  });
  it('flags a seq that does not grow within the attempt', () => {
    expect(messages(resumed([3, 4, 4]), 'checkpoints')).toEqual([expect.stringMatching(/sent checkpoint 4 .* though its previous checkpoint was 4/)]);
  });
  it('accepts seqs continuing above the resumed one, and re-sends of the same seq', () => {
    const h = resumed([3, 4]);
    sent(h.at(900), 'w2', 1, 'checkpoint:x/t2/3', true, 's-w2-b');
    expect(messages(h, 'checkpoints')).toEqual([]);
  });
});

describe('12 an acknowledged result is not reported held', () => {
  const report = (reportedAt: number): H => {
    const h = new H().phase('faults').connect('w1').submit('x');
    h.at(10).run('x', 'w1', 1, 't1');
    sent(h, 'w1', 1, 'result:x/t1/completed');
    h.at(20).emit('w1', { type: 'msg_acked', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', upTo: 1 });
    h.at(Math.max(reportedAt, 20) + 100);
    return h.emit('w1', { type: 'synced', workerId: 'w1', confirmed: 0, revoked: 1, reported: [{ executionId: 'x', leaseToken: 't1', state: 'finished' }], reportedAt });
  };
  it('flags a held-task report built after the ack', () => {
    expect(messages(report(500), 'acked-not-resent')).toEqual([expect.stringMatching(/w1 reported lease t1 as finished .* though it saw that lease's result acknowledged/)]);
  });
  it('accepts a report built before the ack reached the worker (or in the same ms)', () => {
    expect(messages(report(15), 'acked-not-resent')).toEqual([]);
    expect(messages(report(20), 'acked-not-resent')).toEqual([]);
  });
});

describe('24 the abort reason matches the control', () => {
  const control = (op: 'cancel' | 'pause', reason: string, outcome?: string): H => {
    const h = new H().phase('faults').connect('w1').submit('x');
    h.at(10).claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
    h.at(100).emit('w1', { type: 'msg_delivered', workerId: 'w1', sessionId: 's-w1', dir: 'to_worker', seq: 2, msgType: 'abort', key: `abort:x/t1/${op}` });
    h.emit('w1', { type: 'task_aborted', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', reason });
    if (outcome !== undefined) h.at(110).emit('coordinator', { type: 'result_recorded', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', outcome });
    return h;
  };
  it('flags a cancel or pause aborted as something else', () => {
    expect(messages(control('cancel', 'revoked'), 'client-control')).toEqual([expect.stringMatching(/received abort "cancel" .* aborted it as "revoked"/)]);
    expect(messages(control('pause', 'revoked', 'revoked'), 'client-control')).toEqual([expect.stringMatching(/received abort "pause" .* aborted it as "revoked"/)]);
  });
  it('flags a paused attempt recorded as anything but paused', () => {
    expect(messages(control('pause', 'pause', 'revoked'), 'client-control')).toEqual([expect.stringMatching(/recorded as "revoked", not "paused"/)]);
  });
  it('accepts the right reason, and an attempt that had stopped before the abort arrived', () => {
    expect(messages(control('cancel', 'cancel'), 'client-control')).toEqual([]);
    expect(messages(control('pause', 'pause', 'paused'), 'client-control')).toEqual([]);
    const early = new H().phase('faults').connect('w1').submit('x');
    early.at(10).claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
    early.at(90).emit('w1', { type: 'task_aborted', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: 'timeout' });
    early.at(100).emit('w1', { type: 'msg_delivered', workerId: 'w1', sessionId: 's-w1', dir: 'to_worker', seq: 2, msgType: 'abort', key: 'abort:x/t1/cancel' });
    expect(messages(early, 'client-control')).toEqual([]);
  });
});

describe('13 a sync keeps assigns in flight', () => {
  const sync = (ackedBefore: boolean, resumed: boolean): H => {
    const h = new H().phase('faults').connect('w1').submit('x');
    h.at(10).claim('x', 'w1', 1, 't1');
    h.emit('coordinator', { type: 'msg_sent', workerId: 'w1', sessionId: 's-w1', dir: 'to_worker', seq: 2, msgType: 'assign', key: 'assign:x/t1', resend: false });
    if (ackedBefore) h.at(12).emit('coordinator', { type: 'msg_acked', workerId: 'w1', sessionId: 's-w1', dir: 'to_worker', upTo: 2 });
    const session = resumed ? 's-w1' : 's-w1-new';
    h.at(200).emit('coordinator', { type: 'worker_registered', workerId: 'w1', sessionId: session, resumed, connectionId: 'c2' });
    h.emit('coordinator', { type: 'lease_expired', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1' });
    h.emit('coordinator', { type: 'lease_released', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: 'not_held_after_sync' });
    return h.status('x', 'preparing', 'scheduled', 1, 'not_held_after_sync');
  };
  it('flags a lease released at a resumed sync while its assign was unacknowledged', () => {
    expect(messages(sync(false, true), 'lease-expiry')).toEqual([expect.stringMatching(/lease t1 was ended at w1's sync as not held .* its assign \(seq 2, sent at t=10\) was still unacknowledged/)]);
  });
  it('accepts the release when the worker had acknowledged the assign, or the session was new (the assign is gone with it)', () => {
    expect(messages(sync(true, true), 'lease-expiry')).toEqual([]);
    expect(messages(sync(false, false), 'lease-expiry')).toEqual([]);
  });
});

describe('11 the held-task report lists every attempt the worker runs', () => {
  const report = (listed: string[], reportedAt = 300): H => {
    const h = new H().phase('faults').connect('w1').submit('x').submit('y');
    h.at(10).claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1').claim('y', 'w1', 1, 't2').start('y', 'w1', 1, 't2');
    h.at(400).emit('w1', { type: 'synced', workerId: 'w1', confirmed: listed.length, revoked: 0, reported: listed.map((t) => ({ executionId: t === 't1' ? 'x' : 'y', leaseToken: t, state: 'running' as const })), reportedAt });
    return h;
  };
  it('flags a report that leaves out an attempt still running when it was built', () => {
    expect(messages(report(['t1']), 'delivery')).toEqual([expect.stringMatching(/w1's held-task report built at t=300 left out attempt 1 of y \(lease t2\), which it had started at t=10 and still ran/)]);
  });
  it('accepts a complete report, and one built before the attempt started (or in the same ms)', () => {
    expect(messages(report(['t1', 't2']), 'delivery')).toEqual([]);
    expect(messages(report([], 10), 'delivery')).toEqual([]);
  });
});

describe('11 the held-task report lists every result not yet acknowledged (set 11 #25)', () => {
  /** w1 refuses x's assign (its `revoked` result leaves at t=50); its link drops; it reports at t=300. */
  const refused = (opts: { listed: boolean; ackAt?: number; revokedAt?: number }): H => {
    const h = new H().phase('faults').connect('w1').submit('x');
    h.at(10).claim('x', 'w1', 1, 't1');
    h.at(50).emit('w1', { type: 'msg_sent', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', seq: 3, msgType: 'result', key: 'result:x/t1/revoked', resend: false });
    if (opts.ackAt !== undefined) h.at(opts.ackAt).emit('w1', { type: 'msg_acked', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', upTo: 3 });
    if (opts.revokedAt !== undefined) h.at(opts.revokedAt).emit('w1', { type: 'synced', workerId: 'w1', confirmed: 0, revoked: 1, reported: [{ executionId: 'x', leaseToken: 't1', state: 'finished' }], reportedAt: opts.revokedAt - 1 });
    const reported = opts.listed ? [{ executionId: 'x', leaseToken: 't1', state: 'finished' as const }] : [];
    return h.at(400).emit('w1', { type: 'synced', workerId: 'w1', confirmed: reported.length, revoked: 0, reported, reportedAt: 300 });
  };
  it('flags a report that leaves out a result sent and not seen acknowledged', () => {
    expect(messages(refused({ listed: false }), 'delivery')).toEqual([expect.stringMatching(/w1's held-task report built at t=300 left out lease t1 of x, whose result it had sent at t=50 and never saw acknowledged/)]);
    expect(messages(refused({ listed: false, ackAt: 350 }), 'delivery')).toEqual([expect.stringMatching(/left out lease t1 of x, .* saw acknowledged only later/)]);
  });
  it('accepts a report that lists it, one built after its ack, and one after a sync that revoked (the worker forgets what was revoked)', () => {
    expect(messages(refused({ listed: true }), 'delivery')).toEqual([]);
    expect(messages(refused({ listed: false, ackAt: 100 }), 'delivery')).toEqual([]);
    expect(messages(refused({ listed: false, revokedAt: 200 }), 'delivery')).toEqual([]);
  });
});

describe('11 an attempt\'s latest progress leaves its worker (blind set 10 #23)', () => {
  const progress = (h: H, type: 'progress_sent' | 'progress_refused', id: string, token: string, fraction: number): H =>
    h.emit('w1', { type, workerId: 'w1', executionId: id, leaseToken: token, fraction });
  /** Two sleeps on w1; y's last report is overwritten by x's while w1's link is down. */
  const twoSleeps = (yFinal: 'sent' | 'refused' | 'lost'): H => {
    const h = new H().phase('faults').connect('w1').submit('x').submit('y');
    h.at(10).claim('x', 'w1', 1, 'tx').start('x', 'w1', 1, 'tx').claim('y', 'w1', 1, 'ty').start('y', 'w1', 1, 'ty');
    progress(h.at(100), 'progress_sent', 'x', 'tx', 0.5);
    progress(h, 'progress_sent', 'y', 'ty', 0.5);
    h.at(150).emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: 'lost' });
    h.at(200).finish('y', 'w1', 1, 'ty');
    if (yFinal === 'refused') progress(h, 'progress_refused', 'y', 'ty', 1);
    h.at(300).connect('w1');
    if (yFinal === 'sent') progress(h, 'progress_sent', 'y', 'ty', 1);
    progress(h, 'progress_sent', 'x', 'tx', 1);
    h.at(310).finish('x', 'w1', 1, 'tx');
    return h.phase('heal').at(1000).phase('end');
  };
  it('flags a completed sleep whose final report never left while its worker lived on and ended synced', () => {
    expect(messages(twoSleeps('lost'), 'delivery')).toEqual([expect.stringMatching(/w1 completed sleep y \(lease ty\) at t=200 but its final progress \(fraction 1\) never left the worker \(the last that left said 0\.5\)/)]);
  });
  it('accepts the final report sent after the reconnect, and one the full outbox refused', () => {
    expect(messages(twoSleeps('sent'), 'delivery')).toEqual([]);
    expect(messages(twoSleeps('refused'), 'delivery')).toEqual([]);
  });
  it('does not judge a worker that is not synced at the end (its queue still waits)', () => {
    const h = twoSleeps('lost');
    h.emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: 'lost' });
    expect(messages(h, 'delivery')).toEqual([]);
  });
});
