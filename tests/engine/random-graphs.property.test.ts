/**
 * fast-check property over random task graphs: random DAGs, durations, per-
 * attempt failures/timeouts/hangs, retry policies, priorities, cancels,
 * pause/resume, checkpoints and worker losses, driven by an in-test fake
 * worker loop on a virtual clock.
 * Checked on every run:
 * - order: nothing is claimed or started before all its dependencies completed;
 * - liveness: every execution is terminal at the end;
 * - no double run: an execution is never claimed while another worker still
 *   runs it, and never completed twice;
 * - retries: failed/timed-out attempts never exceed 1 + maxRetries;
 * - checkpoints: an attempt resumes from the latest acknowledged checkpoint;
 * - the global concurrency limit holds at every claim.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../system/engine/engine.js';
import type { FinishWork } from '../../system/engine/core.js';
import type { ExecutionRecord } from '../../system/core/model.js';
import { CountsStartedOnly, type Make, RequeueDependents } from './broken-engines.js';
import { runScenario, scenarioArb } from './random-graphs.js';

/** Broken variants the property must catch (with the shared CountsStartedOnly and RequeueDependents). */
class IgnoresDependencies extends Engine {
  protected override dependencyEnded(d: ExecutionRecord, dep: ExecutionRecord, work: FinishWork[], commits: Promise<void>[]): void {
    super.dependencyEnded(d, dep, work, commits);
  }
  protected override index(rec: ExecutionRecord): void {
    super.index(rec);
    if (rec.status === 'pending') rec.status = 'scheduled';
    this.enqueue(rec);
  }
}

/** Time-boxed by default; SQUALL_FC_RUNS / SQUALL_FC_SEED explore further (a failure prints its seed and path). */
const RUNS = Number(process.env.SQUALL_FC_RUNS ?? 60);
const SEED = process.env.SQUALL_FC_SEED === undefined ? 20261123 : Number(process.env.SQUALL_FC_SEED);

describe('random task graphs (fast-check)', () => {
  it('respect order, end terminal, never run twice, stay within retry bounds', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, (s) => runScenario(s)),
      { numRuns: RUNS, seed: SEED },
    );
  }, 600_000);

  it('the property catches broken variants', async () => {
    for (const Broken of [CountsStartedOnly, RequeueDependents, IgnoresDependencies]) {
      const out = await fc.check(
        fc.asyncProperty(scenarioArb, (s) => runScenario(s, (...a: Make) => new Broken(...a))),
        { numRuns: 60, seed: 20261123, endOnFailure: true },
      );
      expect(out.failed, `${Broken.name} must be caught`).toBe(true);
    }
  }, 60_000);
});
