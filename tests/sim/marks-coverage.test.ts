/**
 * Coverage marks (issue 10 deliverable 4): the scenario suite must reach every
 * REQUIRED mark (harness/sim/marks.ts), so a change that stops the suite from
 * exercising a situation that matters (a resume that re-sends, a fenced stale
 * result, a crash inside a commit window...) fails the default tests, even
 * when every run still passes. Runs every scenario file at its own seed,
 * except the two heavy ones (their marks are reached by the others; the sweep
 * runs them), plus the buggified runs listed below.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import type { SimWiring } from '../../harness/sim/index.js';
import { type MarkCounts, REQUIRED_MARKS, NOT_YET_REQUIRED, sumMarks, unreachedMarks } from '../../harness/sim/marks.js';
import { MARK_NAMES } from '../../system/core/marks.js';

const dir = join(import.meta.dirname, '..', '..', 'scenarios');
/** Scenario files left out for time, with the reason. */
const HEAVY: Record<string, string> = {
  'mixed-chaos.yaml': '600 s of swarm faults, ~25 s of wall time; the seed sweep runs it',
  'thundering-herd.yaml': '500 workers, ~15 s of wall time; reaches nothing the others do not',
};
/** Scenarios also run with BUGGIFY at their seed (they pass with it; it reaches marks their plain run does not). */
const BUGGIFIED = ['corrupting-link.yaml'];

async function marksOf(file: string, opts: { buggify?: boolean; wiring?: SimWiring } = {}): Promise<MarkCounts> {
  const scenario = await loadScenario(join(dir, file));
  const run = await runChecked(scenario, opts);
  return run.outcome.marks;
}

/** Required marks with a zero count. */
function missingRequired(total: MarkCounts): string[] {
  return unreachedMarks(total).filter((u) => u.required).map((u) => u.mark);
}

describe('coverage marks', () => {
  it('every mark is either required or says why not', () => {
    for (const m of MARK_NAMES) expect(REQUIRED_MARKS.includes(m) !== (NOT_YET_REQUIRED[m] !== undefined), m).toBe(true);
    expect(REQUIRED_MARKS.length).toBeGreaterThanOrEqual(14);
  });

  it('the scenario suite reaches every required mark', { timeout: 300_000 }, async () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && HEAVY[f] === undefined).sort();
    const runs: MarkCounts[] = [];
    for (const f of files) runs.push(await marksOf(f));
    for (const f of BUGGIFIED) runs.push(await marksOf(f, { buggify: true }));
    const total = sumMarks(runs);
    expect(missingRequired(total), `unreached required marks over ${files.join(', ')} (+ buggified ${BUGGIFIED.join(', ')})`).toEqual([]);
  });

  it('catches a suite that stopped reaching a required mark (workers that never judge heartbeat silence)', { timeout: 120_000 }, async () => {
    const real = await marksOf('partition-heal.yaml');
    expect(real['worker.heartbeat-timeout']).toBeGreaterThan(0);
    const deaf: SimWiring = { workerConfig: (_id, config) => ({ ...config, heartbeatTimeoutMs: 600_000 }) };
    const broken = await marksOf('partition-heal.yaml', { wiring: deaf });
    expect(broken['worker.heartbeat-timeout']).toBe(0);
    expect(missingRequired(broken)).toContain('worker.heartbeat-timeout');
  });
});
