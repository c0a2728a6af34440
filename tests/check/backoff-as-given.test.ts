/**
 * Workers built in code with a partial backoff (a fleet group's `asGiven`,
 * blind set 19 #15): the checker judges their delays against its own copy
 * of the documented defaults (harness/check/spec-tables.ts), so a worker
 * that fills the gaps wrongly draws from bounds promise 9 refuses.
 */
import { describe, expect, it } from 'vitest';
import { workerBackoffDocDefaults } from '../../harness/check/spec-tables.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { contextFromScenario } from '../../harness/scenario/check-context.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { H, baseContext } from './builder.js';

/** w1 backs off twice, its second draw from [0, cap2]. */
function twoBackoffs(cap2: number): H {
  const h = new H().connect('w1');
  h.at(1000).emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: 'connection closed' });
  h.emit('w1', { type: 'backoff', workerId: 'w1', attempt: 1, delayMs: 200, strategy: 'full-jitter', capMs: 500, floorMs: 0 });
  h.at(1200).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 1 });
  h.at(1210).emit('w1', { type: 'backoff', workerId: 'w1', attempt: 2, delayMs: 300, strategy: 'full-jitter', capMs: cap2, floorMs: 0 });
  h.at(1510).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 2 });
  h.emit('coordinator', { type: 'worker_registered', workerId: 'w1', sessionId: 's2', resumed: false, connectionId: 'c2' });
  return h.emit('w1', { type: 'connected', workerId: 'w1', sessionId: 's2', resumed: false, afterMs: 510 });
}

describe('9 backoff: partial configs judged against the documented defaults', () => {
  it('fills the gaps as documented: maxMs 10 000, raised to a larger initialMs, never refused', () => {
    expect(workerBackoffDocDefaults({ initialMs: 500 })).toEqual({ strategy: 'full-jitter', initialMs: 500, maxMs: 10_000, multiplier: 2 });
    expect(workerBackoffDocDefaults({ initialMs: 20_000 })).toMatchObject({ maxMs: 20_000 });
    expect(workerBackoffDocDefaults({})).toEqual({ strategy: 'full-jitter', initialMs: 100, maxMs: 10_000, multiplier: 2 });
  });

  it('gives each asGiven worker its documented backoff, the others the fleet\'s', async () => {
    const ctx = contextFromScenario(await loadScenario('scenarios/worker-entry-points.yaml'));
    expect(ctx.backoffByWorker?.w1).toEqual({ strategy: 'full-jitter', initialMs: 500, maxMs: 10_000, multiplier: 2 });
    expect(ctx.backoffByWorker?.w3).toMatchObject({ initialMs: 20_000, maxMs: 20_000 });
    expect(ctx.backoffByWorker?.w4).toEqual({ strategy: 'full-jitter', initialMs: 100, maxMs: 10_000, multiplier: 2 });
    expect(ctx.backoffByWorker?.w6).toBeUndefined();
  });

  it('passes a worker given only initialMs 500 whose second delay is drawn below 1000 ms', () => {
    const ctx = { ...baseContext, backoffIsFleetWide: true, backoffByWorker: { w1: workerBackoffDocDefaults({ initialMs: 500 }) } };
    expect(checkHistory(twoBackoffs(1000).history(), ['backoff'], ctx)).toEqual([]);
  });

  it('reports one whose cap stayed at its initialMs (set 19 #15)', () => {
    const ctx = { ...baseContext, backoffIsFleetWide: true, backoffByWorker: { w1: workerBackoffDocDefaults({ initialMs: 500 }) } };
    const v = checkHistory(twoBackoffs(500).history(), ['backoff'], ctx).map((x) => x.message);
    expect(v).toEqual([expect.stringMatching(/attempt 2 drew from \[0, 500\] ms; full-jitter with initialMs 500, multiplier 2, maxMs 10000 asks for \[0, 1000\]/)]);
  });
});
