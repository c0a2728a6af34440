/**
 * The run guards of a simulated run (harness/scenario/run-guards.ts,
 * crash-guard.ts), for live runs: a crash of the harness or of anything it
 * awaits while driving the live system (an exception, an unhandled rejection)
 * is a failed run with its seed and the error, not a dead process; and a run
 * whose workload was wholly refused, or that applied none of its faults,
 * fails with a message saying why instead of passing on the little that happened.
 */
import type { HistoryRecord } from '../check/history.js';
import type { RunCrash } from '../scenario/crash-guard.js';
import { runGuardProblems } from '../scenario/run-guards.js';
import type { Scenario } from '../scenario/schema.js';
import type { LiveRunOutcome } from './live-run.js';
import type { LiveJson } from './runner.js';

/** Why a finished live run cannot count as a pass although no promise broke; empty normally. */
export function liveGuardProblems(o: Pick<LiveRunOutcome, 'planned' | 'acked' | 'faults'>, history: readonly HistoryRecord[]): string[] {
  return runGuardProblems({ planned: o.planned, accepted: o.acked.size, faults: o.faults, history });
}

/** The JSON of a live run that crashed: failed, with the seed to rerun it and what crashed. */
export function crashedLiveJson(scenario: Scenario, seed: number, crash: RunCrash, startedAt: Date): LiveJson {
  return {
    scenario: scenario.name,
    seed,
    passed: false,
    traceHash: null,
    simulatedMs: null,
    wallMs: Date.now() - startedAt.getTime(),
    violations: [],
    convergedAfterMs: null,
    allWorkDoneAfterHealMs: null,
    acknowledged: 0,
    proxy: null,
    faults: { applied: [], refused: [] },
    error: { code: 'run_crashed', message: `the run crashed (${crash.origin}): ${crash.message}; rerun with --seed ${seed}` },
    problems: [`CRASHED (${crash.origin}): ${crash.message}`],
    report: null,
  };
}
