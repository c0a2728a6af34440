/**
 * Part of 26, capacity: a worker whose socket has more than 4 MiB queued gets
 * no new work until it drains (README, scenario send-backlog;
 * system/coordinator/send-backlog.ts and assignment.ts). The simulation
 * looks at every claim at its instant (a pre-execution hook on each
 * coordinator incarnation's engine, harness/scenario/record-network.ts) and
 * notes the claims made while every open connection from the coordinator to
 * the worker's host held more than the mark: `{claimBacklogged: workerId,
 * executionId, queuedBytes}`. Each such note is a violation: no rule read
 * the mark before task cover37, whose plant (#03, the watch line moved above
 * the mark) gave a worker 4-8 MiB behind new work and passed every run.
 * No notes (a live run, or no backlog): nothing judged.
 */
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The checker's own copy of the documented high-water mark (4 MiB). */
export const SEND_HIGH_WATER_BYTES = 4 * 1024 * 1024;

/** 26 (send backlog). See the file header. */
export function checkSendBacklog(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    if (rec.f !== 'note' || rec.process !== 'net' || typeof rec.value.claimBacklogged !== 'string') continue;
    const { claimBacklogged: workerId, executionId, queuedBytes } = rec.value as { claimBacklogged: string; executionId?: string; queuedBytes?: number };
    const msg = `${String(executionId)} was claimed for ${workerId} at t=${rec.time} while the coordinator's send queue to it held ${String(queuedBytes)} bytes: a worker whose socket has more than ${SEND_HIGH_WATER_BYTES} bytes (4 MiB) queued gets no new work until it drains`;
    out.push(violation(view.records, 'capacity', msg, { index: rec.index, workerId, executionId }));
  }
  return out;
}
