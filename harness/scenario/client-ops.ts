/**
 * Client requests on accepted submissions (workload `control`): cancel, pause
 * and resume, made through the coordinator's embedding API (what the HTTP API
 * calls) `afterMs` after the submission was acknowledged, on the virtual
 * clock. Each request is recorded as a client note before it is made
 * ({op, executionId, phase: 'invoke'}) and again when it is answered
 * (phase 'ok' with the status, or 'fail' with the error), so the checker
 * knows when the client asked (harness/check/promises-engine.ts).
 */
import { toErrorInfo } from '../../system/core/index.js';
import type { HistoryRecorder } from '../check/history.js';
import type { Simulation } from '../sim/index.js';
import type { ControlOp } from './schema-engine.js';
import type { Submission } from './workload.js';

/** Schedules a submission's control requests once its execution ids are known. */
export function scheduleControls(sim: Simulation, recorder: HistoryRecorder, s: Submission, executionIds: readonly string[]): void {
  for (const op of s.control) {
    const executionId = executionIds[op.node];
    if (executionId === undefined) continue;
    sim.time.setTimeout(() => control(sim, recorder, op, executionId), op.afterMs);
  }
}

function control(sim: Simulation, recorder: HistoryRecorder, op: ControlOp, executionId: string): void {
  recorder.recordInfo({ op: op.op, executionId, phase: 'invoke' }, 'client');
  const coordinator = sim.coordinator.instance;
  if (coordinator === null) {
    recorder.recordInfo({ op: op.op, executionId, phase: 'fail', error: { code: 'unavailable', message: 'coordinator is down' } }, 'client');
    return;
  }
  const engine = coordinator.engine;
  const p = op.op === 'cancel' ? engine.cancelExecution(executionId, 'cancelled by the workload') : op.op === 'pause' ? engine.pauseExecution(executionId) : engine.resumeExecution(executionId);
  p.then(
    (rec) => recorder.recordInfo({ op: op.op, executionId, phase: 'ok', status: rec.status }, 'client'),
    (err: unknown) => recorder.recordInfo({ op: op.op, executionId, phase: 'fail', error: toErrorInfo(err) }, 'client'),
  );
}
