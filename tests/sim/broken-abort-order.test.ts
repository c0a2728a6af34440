/**
 * An abort never precedes the assign of its lease (docs/PROTOCOL.md; found in
 * cli-client with BUGGIFY's slow commits, seed 2, pinned as
 * scenarios/regressions/seed-2-cli-client-abort-before-assign.json).
 * scenarios/abort-in-claim.yaml cancels and pauses executions while their
 * claims commit on a slow disk, without BUGGIFY. The real coordinator holds
 * each abort behind its assign (mark coordinator.abort-held-for-claim); a
 * session that sends it at once is caught by promise 11 (delivery), which
 * judges the order the coordinator queued, and the cancelled attempts then
 * run on the worker.
 */
import { describe, expect, it } from 'vitest';
import { formatViolation } from '../../harness/check/violation.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import type { SimWiring } from '../../harness/sim/index.js';
import { abortAheadOfAssign } from './broken/session-variants.js';

async function run(seed: number, wiring?: SimWiring) {
  const scenario = await loadScenario('scenarios/abort-in-claim.yaml');
  const r = await runChecked(scenario, { seed, ...(wiring === undefined ? {} : { wiring }) });
  return { r, promises: [...new Set(r.violations.map((v) => v.promise.name))], text: r.violations.map(formatViolation).join('\n') };
}

describe('an abort that lands while its claim commits', () => {
  it('abort-in-claim passes on the real system and holds aborts behind their assigns', async () => {
    const { r, text } = await run(1);
    expect(text).toBe('');
    expect(r.passed).toBe(true);
    expect(r.outcome.marks['coordinator.abort-held-for-claim']).toBeGreaterThan(0);
  });

  it('delivery: a session that sends the abort at once queues it before its assign', async () => {
    const { r, promises, text } = await run(1, { coordinatorPolicies: abortAheadOfAssign });
    expect(r.passed).toBe(false);
    expect(promises, text).toContain('delivery');
    expect(text).toMatch(/queued the abort "(cancel|pause)" of lease \S+ \(\S+\) for w\d at t=\d+ \(seq \d+\) before that lease's assign/);
  });
});
