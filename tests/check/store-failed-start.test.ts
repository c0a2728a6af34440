/**
 * Synthetic histories for promise 19's "no claim while the store fails or reloads"
 * (harness/check/promises-store.ts checkNoClaimWhileFailing) across a coordinator
 * start that failed: the supervisor notes the failed try (restartInMs) and starts
 * the coordinator again later. The failed try's store_failed is no outage of the
 * process that starts after it (graph-commit-window seed 16 on the 0-RTT register:
 * w1 registered 200 ms after the retried start and was claimed for before that
 * process's own store failed). A claim inside a process whose own store failed is
 * still reported.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const restart = { id: 't2', action: 'restart', target: 'coordinator', workers: [], coordinator: true };
const EIO = 'store commit failed: EIO (injected storage fault)';

/** A restart at t=100 whose start fails on the disk (its store_failed, then the supervisor's note); the next try starts at 1100. */
function failedStart(): H {
  const h = new H().at(0).submit('e1');
  h.at(100).fault('start', restart).emit('coordinator', { type: 'store_failed', error: EIO });
  h.rec.recordInfo({ trigger: 't2', error: `SquallError: the store could not commit (${EIO})`, restartInMs: 1000 }, 'nemesis');
  return h.at(1100);
}

const messages = (h: H): string[] => checkHistory(h.history(), ['store-health'], baseContext).map((v) => v.message);

describe('19 store-health: no claim while failing, across a failed start', () => {
  it('passes a claim of the process started after a failed try, before its own store fails', () => {
    const h = failedStart().at(1300).connect('w1').claim('e1', 'w1', 1, 'ls1');
    h.emit('coordinator', { type: 'store_failed', error: EIO }).at(1600).emit('coordinator', { type: 'store_recovered', downMs: 300, rolledBack: 0 });
    expect(messages(h)).toEqual([]);
  });

  it('reports a claim after the new process\'s own store failed, before it reloaded', () => {
    const h = failedStart().at(1300).connect('w1').emit('coordinator', { type: 'store_failed', error: EIO });
    h.at(1350).claim('e1', 'w1', 1, 'ls1').at(1600).emit('coordinator', { type: 'store_recovered', downMs: 300, rolledBack: 0 });
    expect(messages(h)).toEqual([expect.stringMatching(/^w1 was given attempt 1 \(lease ls1\) by a claim decided while the store was failing or still reloading \(failed 50 ms before, recovered \(state reloaded\) 250 ms later\)/)]);
  });

  it('reports a claim in a process whose store failed and never recovered, with no failed start between', () => {
    const h = new H().at(0).submit('e1').at(100).emit('coordinator', { type: 'store_failed', error: EIO });
    h.at(1300).connect('w1').claim('e1', 'w1', 1, 'ls1');
    expect(messages(h)).toEqual([expect.stringMatching(/failed 1200 ms before, it never recovered in that life/)]);
  });

  it('a failed-start note of another process (a worker\'s) or without restartInMs ends no outage', () => {
    const h = new H().at(0).submit('e1').at(100).emit('coordinator', { type: 'store_failed', error: EIO });
    h.rec.recordInfo({ trigger: 't2', error: 'something else' }, 'nemesis');
    h.rec.recordInfo({ restartInMs: 1000 }, 'harness');
    h.at(1300).connect('w1').claim('e1', 'w1', 1, 'ls1');
    expect(messages(h)).toHaveLength(1);
  });
});
