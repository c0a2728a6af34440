/**
 * harness/check: the history a run records and the checks run over it.
 *
 * Wiring (simulation or live runner):
 *   const rec = new HistoryRecorder(clock);          // an EventSink: pass it (teeSink) to coordinator, engine, workers
 *   rec.recordPhase('faults');
 *   const i = rec.recordInvoke({ ref: 'item0#3', kind: 'sleep' });   // before submitting
 *   rec.recordOk(i, { executionIds: [id] });         // after the coordinator acknowledged (committed)
 *   rec.recordFail(i, { code, message }, indeterminate?)
 *   rec.recordFault('start' | 'stop', describeFault(scenario.fleet, fault, 'f3'))   // harness/scenario/fault-details.ts
 *   rec.recordPhase('heal'); ...
 *   rec.recordRead({ [executionId]: status | null, ... })   // final read of every acked execution (optional, recommended)
 *   rec.recordPhase('end');
 *   const violations = checkHistory(rec.history(), scenario.checks, contextFromScenario(scenario));   // harness/scenario/check-context.ts
 *   const slo = checkSlo(rec.history(), scenario.slo);
 *   violations.map(formatViolation)
 *
 * checkHistory(history, promises, context) → Violation[] checks the ten promises
 * of ARCHITECTURE.md (promises.ts names them): a Violation names the promise,
 * the execution and/or worker, and carries the history records around it.
 * The checker relies on events carrying what system/core/events.ts defines,
 * including the optional 'claimed'.checkpointSeq (promise 6, 7) and
 * 'submitted'.retry (promise 5 delays), and on faults being recorded with
 * resolved workers (describeFault) and phases ('heal' starts the convergence
 * bound of promise 1).
 */
export { HistoryRecorder, eventOf, fromJsonLines, toJsonLines, HARNESS_OPS } from './history.js';
export type { FaultDetails, HarnessOp, HistoryRecord, Phase, RecordType, SubmitInvoke, SubmitOk, TaskSubmitted } from './history.js';
export { checkHistory, CHECKERS } from './invariants.js';
export type { PromiseSelection } from './invariants.js';
export type { CheckContext } from './context.js';
export { formatViolation, formatRecord } from './violation.js';
export type { Violation } from './violation.js';
export { PROMISES, PROMISE_NAMES } from './promises.js';
export type { PromiseName } from './promises.js';
export { checkSlo, measureSlo } from './slo.js';
export type { SloCheck, SloMeasurement, SloResult } from './slo.js';
export { submittedTasks } from './promises-tasks.js';
export { registeredSpans } from './promises-holders.js';
export { HistoryView } from './view.js';
