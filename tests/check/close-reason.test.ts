/**
 * Synthetic histories for promise 8's refused-connection close
 * (harness/check/promises-close-reason.ts, blind set 13 #15).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

function probe(closedWith: number | null): H {
  const h = new H().connect('w1');
  h.at(100).rec.recordInfo({ attack: 'wide-close-reason', victim: 'w1' }, 'adversary');
  h.at(101).emit('coordinator', { type: 'protocol_error', connectionId: 'c9', code: 'unknown_type', message: 'unknown message type "..."', closeCode: 4404 });
  h.at(200).rec.recordInfo({ attack: 'wide-close-reason', victim: 'w1', closedWith }, 'adversary');
  return h;
}

describe('8 auth: a refused connection is closed with the promised code', () => {
  it('passes a close with the protocol error\'s code', () => {
    expect(checkHistory(probe(4404).history(), ['auth'], baseContext)).toEqual([]);
  });

  it('reports a connection never closed, or closed with another code', () => {
    expect(checkHistory(probe(null).history(), ['auth'], baseContext).map((v) => v.message)).toEqual([expect.stringMatching(/\(unknown_type, close 4404\), but the connection was never closed/)]);
    expect(checkHistory(probe(1006).history(), ['auth'], baseContext).map((v) => v.message)).toEqual([expect.stringMatching(/was closed with 1006/)]);
  });
});
