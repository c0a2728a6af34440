/**
 * A duplicate inside a commit window (issue 10, old planted defect 06):
 * scenarios/resume-in-commit.yaml resets workers' links right after a
 * reliable frame left them while the disk is slow, so a resumed worker
 * re-sends a message whose first copy is still committing. The real
 * coordinator drops the re-send (mark coordinator.duplicate-in-commit); one
 * that dedups only after commit hands it to the engine twice, and promise 11
 * (delivery) says so.
 */
import { describe, expect, it } from 'vitest';
import { formatViolation } from '../../harness/check/violation.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import type { SimWiring } from '../../harness/sim/index.js';
import { brokenSession } from './broken/session-variants.js';

async function run(seed: number, file = 'resume-in-commit', wiring?: SimWiring) {
  const scenario = await loadScenario(`scenarios/${file}.yaml`);
  const r = await runChecked(scenario, { seed, ...(wiring === undefined ? {} : { wiring }) });
  return { r, promises: [...new Set(r.violations.map((v) => v.promise.name))], text: r.violations.map(formatViolation).join('\n') };
}

describe('a re-sent message whose first copy is still committing', () => {
  it('resume-in-commit passes on the real system and reaches the window', async () => {
    const { r, text } = await run(1);
    expect(text).toBe('');
    expect(r.passed).toBe(true);
    expect(r.outcome.marks['coordinator.duplicate-in-commit']).toBeGreaterThan(0);
  });

  it('delivery: a coordinator that dedups only after commit hands the re-send to the engine again', async () => {
    const { r, promises, text } = await run(1, 'resume-in-commit', { coordinatorPolicies: brokenSession() });
    expect(r.passed).toBe(false);
    expect(promises, text).toContain('delivery');
    expect(text).toMatch(/handed over again after seq \d+: a duplicate reached the coordinator's logic/);
  });

  it('delivery: a sync done ahead of a committing result is admitted again when the worker re-sends it (flaky-disk)', async () => {
    const { r, promises, text } = await run(1, 'flaky-disk', { coordinatorPolicies: brokenSession('done-ahead') });
    expect(r.passed).toBe(false);
    expect(promises, text).toContain('delivery');
    expect(text).toMatch(/seq \d+ \(sync #\d+\) handed over again/);
  });
});
