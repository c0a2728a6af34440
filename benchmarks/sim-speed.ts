/**
 * `npm run bench:sim`: how fast the deterministic simulation runs, as
 * simulated time over wall time (issue 4, "Measure"). Runs `thundering-herd`
 * (500 workers) and `mixed-chaos` (50 workers, 10 simulated minutes: 8 of
 * faults, up to 2 of heal) at seed 1, the whole scenario as `squall sim` runs
 * it. The runner stops once the system converged after heal (plus a short
 * tail), so simulatedMs is what actually ran, reported as is.
 *
 * Prints one JSON line per scenario: {scenario, seed, simulatedMs, wallMs,
 * cpuMs, speedup, cpuSpeedup, ...}. wallMs/cpuMs cover the simulation only
 * (Simulation.runFor/runUntil); checkMs is the checker over the history
 * afterwards. On a loaded machine wall time includes waiting for a core;
 * cpuMs is the whole process's CPU (all threads: V8's GC helpers too, so it
 * can exceed wallMs on an idle machine) and cpuSpeedup = simulatedMs / cpuMs
 * is the contention-independent figure. `speedup` is the headline
 * (simulatedMs / wallMs, issue 4's "Measure").
 *
 *   npm run bench:sim -- [--seed 1] [--only mixed-chaos|thundering-herd]
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { argNumber, argString } from './lib/args.js';
import { loadScenario } from '../harness/scenario/loader.js';
import { runChecked } from '../harness/scenario/run.js';

const seed = argNumber('seed', 1);
const only = argString('only');
const scenarios = ['thundering-herd', 'mixed-chaos'].filter((s) => only === undefined || s === only);
if (scenarios.length === 0) throw new Error(`--only must be mixed-chaos or thundering-herd, got ${JSON.stringify(only)}`);

for (const name of scenarios) {
  const file = fileURLToPath(new URL(`../scenarios/${name}.yaml`, import.meta.url));
  const scenario = await loadScenario(file);
  const started = performance.now();
  const run = await runChecked(scenario, { seed });
  const totalMs = performance.now() - started;
  const { outcome } = run;
  const s = outcome.stats;
  console.log(
    JSON.stringify({
      scenario: name,
      seed,
      simulatedMs: s.simulatedMs,
      wallMs: Math.round(s.wallMs),
      cpuMs: Math.round(s.cpuMs),
      speedup: round(s.speedup),
      cpuSpeedup: round(s.simulatedMs / Math.max(1, s.cpuMs)),
      checkMs: Math.round(totalMs - s.wallMs),
      passed: run.passed,
      traceHash: outcome.traceHash,
      timersFired: s.timersFired,
      framesDelivered: s.framesDelivered,
      loadavg1: round(loadavg()[0] ?? 0),
    }),
  );
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
