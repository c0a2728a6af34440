/**
 * How many simulation events a scenario's run may fire before it counts as a
 * livelock (harness/sim/step-budget.ts): scaled to the scenario's size, a
 * count and never wall time, so the verdict is the same on any machine.
 *
 * Default: 100 events per process (workers + coordinator) per simulated
 * second of the planned run (faultsMs + healMs + 5 s for the settling tail
 * and final read), plus 100 per planned execution (assign, start,
 * checkpoints, result, acks, retries), 4 per flood message and 1 per ms of
 * planned `cpu` work (a burn runs production's 5 ms slices on virtual time,
 * two events each: harness/sim/virtual-cpu.ts; the rest for attempts run
 * again after a reassignment). Every
 * scenario in scenarios/ fires at most a seventh of its budget (measured at
 * seed 1: message-flood 14%, the others 1-11%); a refusal loop (an assign refused
 * and re-assigned every round trip: thousands of events per simulated
 * second) runs into it within a few simulated seconds.
 * `SimRunOptions.maxSteps` overrides it.
 */
import type { HistoryRecord } from '../check/history.js';
import { violation, type Violation } from '../check/violation.js';
import { SimBudgetExceeded } from '../sim/index.js';
import { type AckedExecution, type DriverOutcome, runTimeline } from './driver.js';
import { executionCount, type Scenario } from './schema.js';
import type { ScheduledFault } from './swarm.js';

/** Events per process per simulated second of the planned run. */
const EVENTS_PER_PROCESS_SECOND = 100;
/** Events per planned execution. */
const EVENTS_PER_EXECUTION = 100;
/** Events per data message of a flood. */
const EVENTS_PER_FLOOD_MESSAGE = 4;
/** Events per ms of planned cpu burning (2 per 5 ms slice, and room for attempts burnt again). */
const EVENTS_PER_CPU_MS = 1;
/** Simulated ms past faultsMs + healMs the budget allows for (tail, final read). */
const TAIL_MS = 5_000;

/** The default step budget of a run of this scenario. */
export function defaultStepBudget(scenario: Scenario): number {
  const seconds = (scenario.phases.faultsMs + scenario.phases.healMs + TAIL_MS) / 1000;
  const processes = scenario.fleet.workers + 1;
  const executions = scenario.workload.items.reduce((n, item) => n + executionCount(item), 0);
  const flood = scenario.workload.flood;
  const floodSeconds = flood === undefined ? 0 : (flood.during === 'faults' ? scenario.phases.faultsMs : scenario.phases.faultsMs + scenario.phases.healMs) / 1000;
  const floodMessages = flood === undefined ? 0 : flood.messagesPerSec * scenario.fleet.workers * floodSeconds;
  return Math.ceil(EVENTS_PER_PROCESS_SECOND * processes * seconds + EVENTS_PER_EXECUTION * executions + EVENTS_PER_FLOOD_MESSAGE * floodMessages + EVENTS_PER_CPU_MS * cpuMs(scenario));
}

/** Planned ms of `cpu` burning: each cpu item's params.ms times its executions. */
function cpuMs(scenario: Scenario): number {
  return scenario.workload.items.reduce((n, item) => {
    const ms = item.kind === 'cpu' ? (item.params as { ms?: unknown }).ms : undefined;
    return n + (typeof ms === 'number' ? ms * executionCount(item) : 0);
  }, 0);
}

/** Where a run stopped when it fired its whole step budget. */
export interface BudgetStop {
  steps: number;
  budget: number;
  simulatedMs: number;
  message: string;
}

/**
 * Runs the driver; a SimBudgetExceeded out of it ends the drive there, with
 * what the history holds so far (the partial history is still checked).
 */
export async function driveWithinBudget(
  drive: () => Promise<DriverOutcome>,
  partial: { scenario: Scenario; swarm: ScheduledFault[]; history: () => readonly HistoryRecord[] },
): Promise<{ d: DriverOutcome; stop?: BudgetStop }> {
  try {
    return { d: await drive() };
  } catch (err) {
    if (!(err instanceof SimBudgetExceeded)) throw err;
    const history = partial.history();
    const acked = new Map<string, AckedExecution>();
    for (const r of history) {
      if (r.f !== 'submit' || r.type !== 'ok' || !Array.isArray(r.value.executionIds)) continue;
      for (const id of r.value.executionIds) if (typeof id === 'string') acked.set(id, { ref: '', expect: 'terminal' });
    }
    const applied = history.filter((r) => r.f === 'fault' && r.value.phase === 'start').map((r) => String(r.value.id));
    const d: DriverOutcome = { faults: runTimeline(partial.scenario, partial.swarm), swarm: partial.swarm, applied: [...new Set(applied)], refused: [], acked, refusedSubmissions: 0, indeterminate: 0, healedAt: partial.scenario.phases.faultsMs, convergedAfterMs: null };
    return { d, stop: { steps: err.steps, budget: err.budget, simulatedMs: err.simulatedMs, message: err.message } };
  }
}

/** The failed verdict of a run that ran out of steps (promise 10, liveness), at the last record of its partial history. */
export function budgetViolation(history: readonly HistoryRecord[], stop: BudgetStop, seed: number): Violation {
  const last = history[history.length - 1]?.index;
  const msg = `${stop.message} (seed ${seed}): the run fired its whole budget of ${stop.budget} events (harness/scenario/run-budget.ts) at ${Math.round(stop.steps / Math.max(1, stop.simulatedMs))} events per simulated ms; something loops without making progress (a refusal loop, a message storm)`;
  return violation(history, 'liveness', msg, { index: last });
}
