/**
 * 26 capacity: no claim for a worker whose send queue is past the 4 MiB mark
 * (harness/check/promises-send-backlog.ts), from the notes the simulation leaves at each claim.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const judged = (h: H): string[] => checkHistory(h.history(), ['capacity'], baseContext).map((v) => v.message);

describe('26 capacity: no new work past the send high-water mark', () => {
  it('passes a run whose claims met no backlog past the mark', () => {
    const h = new H().connect('w1').submit('a').at(100).claim('a', 'w1', 1, 'a1');
    h.rec.recordInfo({ opened: 'c1', client: 'w1', incarnation: 1, server: 'coordinator' }, 'net');
    expect(judged(h)).toEqual([]);
  });

  it('reports each claim noted past the mark', () => {
    const h = new H().connect('w1').submit('a').at(100).claim('a', 'w1', 1, 'a1');
    h.rec.recordInfo({ claimBacklogged: 'w1', executionId: 'a', queuedBytes: 4_401_974 }, 'net');
    expect(judged(h)).toEqual([
      "a was claimed for w1 at t=100 while the coordinator's send queue to it held 4401974 bytes: a worker whose socket has more than 4194304 bytes (4 MiB) queued gets no new work until it drains",
    ]);
  });
});
