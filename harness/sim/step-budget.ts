/**
 * The simulation's step budget: a cap on the events one run may fire (timers,
 * deliveries, harness steps), so a livelock (a refusal loop, a message storm)
 * ends as a failed run with a verdict instead of eating the wall-time budget.
 * A count, never wall time: the same seed stops at the same event on any
 * machine. VirtualTime throws SimBudgetExceeded when the cap is reached; the
 * scenario runner (harness/scenario/run-sim.ts) turns it into a failed run
 * whose partial history is still checked.
 */
import { IllegalStateError } from '../../system/core/index.js';

/** Thrown out of runUntil when a run fired its whole step budget. */
export class SimBudgetExceeded extends IllegalStateError {
  constructor(
    readonly steps: number,
    readonly budget: number,
    /** Virtual ms since the start when the budget ran out. */
    readonly simulatedMs: number,
  ) {
    super(`the simulation did not finish: ${steps} events by t=${simulatedMs} ms (budget ${budget}); livelock?`);
  }
}
