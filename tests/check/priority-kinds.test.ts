/**
 * Synthetic histories for promise 21 across kinds (class 26): a claim is
 * compared with ready work of every kind the worker runs whose breaker was
 * closed, decided before the claim, not only with work of its own kind.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { CheckContext } from '../../harness/check/context.js';
import { baseContext, H } from './builder.js';

function submit(h: H, id: string, priority: string, kind: string): H {
  const i = h.rec.recordInvoke({ ref: `ref-${id}`, kind, intent: [{ priority }] });
  h.emit('coordinator', { type: 'submitted', executionId: id, kind, dependencies: [], maxAttempts: 1, priority: priority as 'medium' });
  h.status(id, null, 'scheduled', 0);
  h.rec.recordOk(i, { executionIds: [id] });
  return h;
}

/** A low sleep and a critical echo ready at t=0; w1 is given `first` at t=10. */
function contention(first: string, before?: (h: H) => void): H {
  const h = new H().phase('faults').connect('w1');
  before?.(h);
  submit(h, 'low', 'low', 'sleep');
  submit(h, 'crit', 'critical', 'echo');
  return h.at(10).run(first, 'w1', 1, `t-${first}`);
}

const messages = (h: H, ctx: CheckContext = baseContext): string[] => checkHistory(h.history(), ['priority'], ctx).map((v) => v.message);

describe('21 priority across kinds', () => {
  it('flags a low sleep given while a critical echo the worker runs was ready', () => {
    expect(messages(contention('low'))).toEqual([expect.stringMatching(/priority critical, kind echo, which w1 runs, breaker closed.*higher priority must go first/)]);
    expect(messages(contention('crit'))).toEqual([]);
  });

  it('does not compare with a kind the workers do not advertise', () => {
    expect(messages(contention('low'), { ...baseContext, workerKinds: ['sleep'] })).toEqual([]);
    expect(messages(contention('low'), { ...baseContext, workerKinds: ['sleep', 'echo'] })).toHaveLength(1);
  });

  it("does not compare with a kind whose breaker may be open (its failures reached the threshold)", () => {
    const failing = (h: H): void => {
      for (let i = 0; i < 5; i++) {
        submit(h, `f${i}`, 'medium', 'echo');
        h.claim(`f${i}`, 'w1', 1, `tf${i}`).start(`f${i}`, 'w1', 1, `tf${i}`);
        h.emit('coordinator', { type: 'result_recorded', executionId: `f${i}`, workerId: 'w1', attempt: 1, leaseToken: `tf${i}`, outcome: 'failed' });
      }
    };
    expect(messages(contention('low', failing))).toEqual([]);
    expect(messages(contention('low', failing), { ...baseContext, breaker: false })).toHaveLength(1);
  });

  it('judges the claim at its decision: work that became ready in the same instant, or was claimed by then, is no choice', () => {
    const h = new H().phase('faults').connect('w1').connect('w2');
    submit(h, 'low', 'low', 'sleep');
    h.at(10);
    submit(h, 'crit', 'critical', 'echo');
    h.claim('low', 'w1', 1, 't-low');
    expect(messages(h)).toEqual([]);
    // crit was claimed by w2 at t=20 (decision), its claim committed after w1's claim of low at t=21.
    const g = new H().phase('faults').connect('w1').connect('w2');
    submit(g, 'low', 'low', 'sleep');
    submit(g, 'crit', 'critical', 'echo');
    g.at(21).claim('low', 'w1', 1, 't-low');
    g.rec.emit({ type: 'claimed', executionId: 'crit', workerId: 'w2', attempt: 1, leaseToken: 't-crit', at: 20, source: 'coordinator' });
    expect(messages(g)).toEqual([]);
  });
});
