/**
 * Client requests on accepted submissions (workload `control`): cancel, pause
 * and resume, made through the coordinator's HTTP API (sim-client.ts) `afterMs` after the submission was acknowledged, on the virtual
 * clock. Each request is recorded as a client note before it is made
 * ({op, executionId, phase: 'invoke'}) and again when it is answered
 * (phase 'ok' with the status and the HTTP status, or 'fail' with the error), so the checker
 * knows when the client asked (harness/check/promises-engine.ts). After each
 * answered control the client reads GET /api/v1/stats at once and notes its
 * queue counts (`queueStats`): a control is where an execution enters or
 * leaves the queues, so that is where a queue left holding a paused one shows
 * (harness/check/promises-reads-derived.ts, queue counts). And each
 * control's effect on the store's row is noted beside its answer
 * (`controlStore`, control-store.ts).
 */
import type { HistoryRecorder } from '../check/history.js';
import type { Simulation } from '../sim/index.js';
import type { ControlOp } from './schema-engine.js';
import type { Submission } from './workload.js';
import { probeCall, type SimClient, simControl } from './sim-client.js';
import { CANCEL_REASON } from './http-client.js';
import { watchControl, type WriteTally } from './control-store.js';

/** Schedules a submission's control requests once its execution ids are known. */
export function scheduleControls(sim: Simulation, client: SimClient, recorder: HistoryRecorder, s: Submission, executionIds: readonly string[], writes?: WriteTally): void {
  for (const op of s.control) {
    const executionId = executionIds[op.node];
    if (executionId === undefined) continue;
    sim.time.setTimeout(() => control(sim, client, recorder, op, executionId, writes), op.afterMs);
  }
}

function control(sim: Simulation, client: SimClient, recorder: HistoryRecorder, op: ControlOp, executionId: string, writes: WriteTally | undefined): void {
  const reason = op.op === 'cancel' ? { reason: CANCEL_REASON } : {};
  recorder.recordInfo({ op: op.op, executionId, phase: 'invoke', ...reason }, 'client');
  // The store's row and the writes staged for the execution, beside the answer (control-store.ts, promise 29).
  const store = watchControl(sim, writes, recorder, op.op, executionId);
  void simControl(sim, client, op.op, executionId).then((r) => {
    store.answered(r.ok ? r : undefined, r.ok ? r.httpStatus : r.status);
    if (r.ok) {
      recorder.recordInfo({ op: op.op, executionId, phase: 'ok', status: r.status, httpStatus: r.httpStatus, ...reason }, 'client');
      void noteQueueStats(sim, client, recorder, `${op.op} ${executionId}`);
    } else recorder.recordInfo({ op: op.op, executionId, phase: 'fail', error: { code: r.code, message: r.message, ...(r.status === undefined ? {} : { httpStatus: r.status }) } }, 'client');
  });
}

/** Reads the stats' queue counts with the client's read token and notes them (see the file comment). */
async function noteQueueStats(sim: Simulation, client: SimClient, recorder: HistoryRecorder, after: string): Promise<void> {
  const c = sim.coordinator.instance;
  if (c === null) return;
  const r = await probeCall(c)({ method: 'GET', path: '/api/v1/stats', headers: { authorization: `Bearer ${client.probe.read}` } });
  const b = r.body as { queueLength?: unknown; delayed?: unknown; byStatus?: Record<string, unknown> } | null;
  if (r.status !== 200 || typeof b?.queueLength !== 'number' || typeof b.delayed !== 'number') return;
  const count = (s: string): number => (typeof b.byStatus?.[s] === 'number' ? b.byStatus[s] : 0);
  recorder.recordInfo({ queueStats: { after, queueLength: b.queueLength, delayed: b.delayed, scheduled: count('scheduled'), retrying: count('retrying') } }, 'client');
}
