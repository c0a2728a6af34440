/**
 * Promise 26, a worker that said it is full (harness/check/promises-capacity-reoffer.ts),
 * on task-resources at seed 1, where cancelled and timed-out attempts keep
 * their children in a 2 s SIGTERM grace: the real coordinator holds such a
 * worker back after its refusal at capacity and passes; one that forgets the
 * refusal (./broken/capacity-variants.ts, the system before the fix: 751
 * refusals in that run) re-claims for it every few ms and is caught.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { withHeldBackForgotten } from './broken/capacity-variants.js';
import { simVerdict } from './broken/verdict.js';

const scenario = () => loadScenario('scenarios/task-resources.yaml');

describe('26 capacity: a worker that refused at its limit is held back', () => {
  it('the real coordinator passes task-resources at seed 1', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario());
    expect(v.text).toBe('');
  });

  it('a coordinator that forgets the refusal re-claims for the full worker and is caught', { timeout: 60_000 }, async () => {
    const v = await withHeldBackForgotten(async () => simVerdict(await scenario()));
    expect(v.promises).toEqual(['capacity']);
    expect(v.text).toMatch(/the coordinator claimed lease \S+ for w\d at t=\d+, after w\d refused lease \S+ at its concurrency limit \(recorded at t=\d+\) and before any of its attempts ended/);
  });
});
