/**
 * Synthetic histories for promise 26's allowed-kinds rule
 * (harness/check/promises-allowed-kinds.ts, blind set 13 #14): dangerous kinds
 * are claimed only for workers started with them allowed.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const ctx = { ...baseContext, workerAllowKinds: { w1: ['command'] } };

function history(claimFor: string): H {
  const h = new H().connect('w1').connect('w2');
  h.at(10).emit('coordinator', { type: 'submitted', executionId: 'e1', kind: 'command', dependencies: [], maxAttempts: 1, priority: 'medium' });
  h.status('e1', null, 'scheduled', 0);
  return h.at(20).run('e1', claimFor, 1, 't1');
}

describe('26 capacity: dangerous kinds only for workers that allowed them', () => {
  it('passes a command claimed for the worker started with allowKinds [command]', () => {
    expect(checkHistory(history('w1').history(), ['capacity'], ctx)).toEqual([]);
  });

  it('reports a command claimed for a worker that allowed none', () => {
    const v = checkHistory(history('w2').history(), ['capacity'], ctx);
    expect(v.map((x) => x.message)).toEqual([expect.stringMatching(/e1 \(kind command\) was claimed for w2, which was started allowing \[\]/)]);
  });

  it('judges nothing without the fleet\'s allowKinds', () => {
    expect(checkHistory(history('w2').history(), ['capacity'], baseContext)).toEqual([]);
  });
});
