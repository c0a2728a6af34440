/**
 * A fixed seed sweep in the default suite, as VOPR runs in CI: fault-heavy
 * scenarios at SQUALL_SWEEP_SEEDS consecutive seeds (default 3) from
 * SQUALL_SWEEP_BASE (default 1000). The seed count is fixed so the default
 * suite's verdict never depends on the machine's speed. Long sweeps (`npm run
 * soak`) set SQUALL_SWEEP_SECONDS=<s> and sweep consecutive seeds until that
 * time box is used (at least SQUALL_SWEEP_SEEDS each). A failure writes an
 * artifact and names the command that replays it; pin it under
 * scenarios/regressions/ once fixed.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatViolation } from '../../harness/check/index.js';
import { makeArtifact, writeArtifact } from '../../harness/scenario/artifact.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';

const SCENARIOS = ['partition-heal', 'flapping-link', 'corrupting-link', 'coordinator-crash-restart', 'worker-crash', 'mixed-chaos'];
const base = Number(process.env.SQUALL_SWEEP_BASE ?? 1000);
const seeds = Number(process.env.SQUALL_SWEEP_SEEDS ?? 3);
/** Only soak sets a time box; the default suite runs exactly `seeds` seeds. */
const boxMs = process.env.SQUALL_SWEEP_SECONDS === undefined ? 0 : Number(process.env.SQUALL_SWEEP_SECONDS) * 1000;

describe(boxMs === 0 ? `seed sweep (${seeds} fixed seeds)` : 'seed sweep (soak, time-boxed)', () => {
  for (const name of SCENARIOS) {
    it(`${name}: consecutive seeds from ${base} pass`, { timeout: boxMs + 300_000 }, async () => {
      const scenario = await loadScenario(join(import.meta.dirname, `../../scenarios/${name}.yaml`));
      const deadline = Date.now() + boxMs / SCENARIOS.length;
      const failures: string[] = [];
      let seed = base;
      for (; seed < base + seeds || (boxMs > 0 && Date.now() < deadline); seed++) {
        const run = await runChecked(scenario, { seed });
        if (!run.passed) {
          const path = join('artifacts', `${name}-seed-${seed}.json`);
          await writeArtifact(path, makeArtifact(run, { scenarioFile: `scenarios/${name}.yaml` }));
          failures.push(`seed ${seed}: ${run.crash === undefined ? '' : `CRASHED (${run.crash.message}); `}${run.violations.length} violation(s), slo ${run.slo.passed ? 'ok' : 'missed'}; replay: npx squall replay ${path}\n${run.violations.slice(0, 3).map(formatViolation).join('\n')}`);
        }
      }
      expect(failures, `${name}: ${seed - base} seeds`).toEqual([]);
    });
  }
});
