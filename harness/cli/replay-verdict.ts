/**
 * What `squall replay` concludes, in plain words and an exit code. A pinned
 * regression (scenarios/regressions/) recorded a failing run; once its
 * defect is fixed the run passes and the trace moves on (the code changed),
 * which is expected and gets its own exit code, distinct from a replay that
 * is broken (same verdict but another trace: nondeterminism) or a run that
 * fails.
 */
import type { Artifact } from '../scenario/artifact.js';
import type { CheckedSimRun } from '../scenario/run.js';

/** Exit codes of `squall replay` (documented in its --help and the README). */
export const REPLAY_EXIT = {
  /** Same trace hash and verdict, and the run passes. */
  reproducedPass: 0,
  /** The run fails: the recorded defect is still there (reproduced), or a new one. */
  fails: 1,
  /** The replay is broken: another trace hash with the same verdict, or another verdict on the same trace. */
  broken: 3,
  /** A recorded failure no longer happens: the run passes (expected for a pinned regression whose defect was fixed). */
  fixed: 4,
} as const;

export const REPLAY_EXIT_HELP = `
Exit codes:
  0  reproduced: same trace hash and verdict, and the run passes
  1  the run fails (the recorded defect reproduced, or another violation)
  2  bad input (unreadable artifact)
  3  replay broken: the trace differs but the verdict is the same, or the verdict differs on the same trace
  4  fixed: the artifact recorded a failure and the run now passes (expected for a pinned regression)`;

/** The verdict of a replay: a line (or two) for a person and the exit code. */
export function replayVerdict(artifact: Artifact, run: Pick<CheckedSimRun, 'passed' | 'violations'> & { outcome: { traceHash: string } }): { code: number; message: string } {
  const sameTrace = run.outcome.traceHash === artifact.traceHash;
  const sameVerdict = run.passed === artifact.passed && run.violations.length === artifact.violations.length;
  if (sameTrace && sameVerdict) {
    return run.passed ? { code: REPLAY_EXIT.reproducedPass, message: 'reproduced: same trace hash and verdict' } : { code: REPLAY_EXIT.fails, message: 'reproduced: same trace hash and the same violation(s)' };
  }
  if (!artifact.passed && run.passed) {
    const first = artifact.violations[0];
    const defect = first === undefined ? 'a crash' : `promise ${first.promise} ${first.name}: ${first.message}`;
    const trace = sameTrace ? '' : ` The trace differs from the recorded one (recorded by squall ${artifact.squallVersion}) because the code changed since.`;
    return {
      code: REPLAY_EXIT.fixed,
      message: `pinned regression: the original defect (${defect}) no longer reproduces; the run passes — this is expected for a fixed defect.${trace}`,
    };
  }
  if (!run.passed) return { code: REPLAY_EXIT.fails, message: `the run fails with ${run.violations.length} violation(s)${artifact.passed ? ' although the recorded run passed' : ' (not the recorded trace)'}` };
  return {
    code: REPLAY_EXIT.broken,
    message: `NOT reproduced: trace ${sameTrace ? 'same' : `differs (artifact ${artifact.traceHash.slice(0, 16)}, recorded by squall ${artifact.squallVersion})`}, verdict ${sameVerdict ? 'same' : 'differs'}; a replay of the same code must give the same trace (report it: nondeterminism)`,
  };
}
