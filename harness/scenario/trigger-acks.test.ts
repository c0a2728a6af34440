import { describe, expect, it } from 'vitest';
import type { SystemEvent } from '../../system/core/index.js';
import { ResultAcks } from './trigger-acks.js';

const sent = (seq: number, key: string, source = 'w1', sessionId = 's1'): SystemEvent => ({ type: 'msg_sent', at: 0, source, workerId: source, sessionId, dir: 'to_coordinator', seq, msgType: key.split(':')[0] ?? '', key, resend: false });
const acked = (upTo: number, source = 'w1', sessionId = 's1'): SystemEvent => ({ type: 'msg_acked', at: 0, source, workerId: 'w1', sessionId, dir: 'to_coordinator', upTo });

describe('trigger event result-acked', () => {
  it('counts the results an ack newly covers, per worker session, once', () => {
    const a = new ResultAcks();
    expect(a.observe(sent(1, 'started:e1/L1'))).toBe(0);
    expect(a.observe(sent(2, 'result:e1/L1/completed'))).toBe(0);
    expect(a.observe(sent(3, 'result:e2/L2/completed'))).toBe(0);
    expect(a.observe(acked(1))).toBe(0);
    expect(a.observe(acked(2))).toBe(1);
    expect(a.observe(acked(2, 'w1', 's2'))).toBe(0);
    expect(a.observe({ ...acked(3), source: 'coordinator' })).toBe(0);
    expect(a.observe(acked(3))).toBe(1);
    expect(a.observe(acked(3))).toBe(0);
  });
});
