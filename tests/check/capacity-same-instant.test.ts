/**
 * Synthetic histories for promise 26's coordinator-side count (harness/check/promises-capacity.ts
 * claimsBeyondCapacity): a lease claimed and ended in the same instant on the engine's clock (a
 * restarted worker's 0-RTT hello: the claim decided behind its registration, then its early sync,
 * which could not report it yet, re-queued it `not_held_after_sync`) holds no slot afterwards
 * (admission-leak seed 5 was a false violation: w3 was counted 2 leases while it held 1).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

/** The claim-count rule's verdicts only (the idle-capacity rules of the same promise judge e3 waiting here). */
const messages = (h: H): string[] =>
  checkHistory(h.history(), ['capacity'], { ...baseContext, workerConcurrency: 2 })
    .map((v) => v.message)
    .filter((m) => m.includes('live lease(s), its whole concurrency'));

/** w1 (concurrency 2) registers; e1's lease l1 is claimed and lost to the sync at t=100; l2 runs; e3 is claimed at t=400 (l3). */
function sameInstant(thirdWhileTwoRun: boolean): H {
  const h = new H().at(0).submit('e1').submit('e2').submit('e3');
  if (thirdWhileTwoRun) h.submit('e4');
  h.at(100).connect('w1').claim('e1', 'w1', 1, 'l1');
  h.emit('coordinator', { type: 'lease_released', executionId: 'e1', workerId: 'w1', attempt: 1, leaseToken: 'l1', reason: 'not_held_after_sync' });
  h.status('e1', 'preparing', 'scheduled', 1, 'not_held_after_sync');
  h.at(101).claim('e2', 'w1', 1, 'l2').start('e2', 'w1', 1, 'l2');
  if (thirdWhileTwoRun) h.at(200).claim('e4', 'w1', 1, 'l4').start('e4', 'w1', 1, 'l4');
  return h.at(400).claim('e3', 'w1', 1, 'l3');
}

describe('26 capacity: a lease claimed and ended in one instant', () => {
  it('holds no slot after that instant', () => {
    expect(messages(sameInstant(false))).toEqual([]);
  });

  it('a claim beyond the two leases the worker really holds is still reported', () => {
    expect(messages(sameInstant(true))).toEqual([expect.stringMatching(/^lease l3 claimed for w1 at t=400 while it already held 2 live lease\(s\), its whole concurrency 2/)]);
  });
});
