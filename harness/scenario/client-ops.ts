/**
 * Client requests on accepted submissions (workload `control`): cancel, pause
 * and resume, made through the coordinator's HTTP API (sim-client.ts) `afterMs` after the submission was acknowledged, on the virtual
 * clock. Each request is recorded as a client note before it is made
 * ({op, executionId, phase: 'invoke'}) and again when it is answered
 * (phase 'ok' with the status and the HTTP status, or 'fail' with the error), so the checker
 * knows when the client asked (harness/check/promises-engine.ts).
 */
import type { HistoryRecorder } from '../check/history.js';
import type { Simulation } from '../sim/index.js';
import type { ControlOp } from './schema-engine.js';
import type { Submission } from './workload.js';
import { type SimClient, simControl } from './sim-client.js';

/** Schedules a submission's control requests once its execution ids are known. */
export function scheduleControls(sim: Simulation, client: SimClient, recorder: HistoryRecorder, s: Submission, executionIds: readonly string[]): void {
  for (const op of s.control) {
    const executionId = executionIds[op.node];
    if (executionId === undefined) continue;
    sim.time.setTimeout(() => control(sim, client, recorder, op, executionId), op.afterMs);
  }
}

function control(sim: Simulation, client: SimClient, recorder: HistoryRecorder, op: ControlOp, executionId: string): void {
  recorder.recordInfo({ op: op.op, executionId, phase: 'invoke' }, 'client');
  void simControl(sim, client, op.op, executionId).then((r) => {
    if (r.ok) recorder.recordInfo({ op: op.op, executionId, phase: 'ok', status: r.status, httpStatus: r.httpStatus }, 'client');
    else recorder.recordInfo({ op: op.op, executionId, phase: 'fail', error: { code: r.code, message: r.message, ...(r.status === undefined ? {} : { httpStatus: r.status }) } }, 'client');
  });
}
