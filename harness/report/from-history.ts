/**
 * Report pieces derived from a run's history, the same way for simulated and
 * live runs (one time base: ms since the run's start): fault intervals with
 * readable targets, the heal moment, and the per-operation timeline (each
 * execution from submission to its terminal status, by outcome and worker).
 */
import type { HistoryRecord } from '../check/history.js';
import { describeFaultTarget } from './fault-label.js';
import type { FaultInterval } from './model.js';

/** One execution's life, for the per-operation timeline. */
export type OperationSpan = {
  id: string;
  kind: string;
  start: number;
  /** Terminal status time; null: never ended. */
  end: number | null;
  outcome: string;
  workers: string[];
  attempts: number;
};

/** Most operations drawn; beyond it the page says how many were left out. */
const MAX_OPERATIONS = 400;

/** Fault intervals from the history's fault records; an unstopped fault ends at `endMs`. */
export function faultIntervalsOf(history: readonly HistoryRecord[], endMs: number): FaultInterval[] {
  const stops = new Map<string, number>();
  for (const r of history) if (r.f === 'fault' && r.value.phase !== 'start') stops.set(String(r.value.id), r.time);
  return history
    .filter((r) => r.f === 'fault' && r.value.phase === 'start')
    .map((r) => {
      const v = r.value as { id: unknown; action: unknown; target: unknown; workers?: string[]; params?: Record<string, unknown> };
      const d = describeFaultTarget({ action: String(v.action), target: String(v.target), workers: v.workers, params: v.params });
      return { start: r.time, end: stops.get(String(v.id)) ?? endMs, action: String(v.action), target: d.label, workers: d.workers };
    });
}

/** Time of the heal phase (all faults removed), if the run got there. */
export function healAtOf(history: readonly HistoryRecord[]): number | undefined {
  return history.find((r) => r.f === 'phase' && r.value.phase === 'heal')?.time;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'timeout']);

/** Every execution from its `submitted` event to its last terminal status (the first MAX_OPERATIONS by start). */
export function operationsOf(history: readonly HistoryRecord[]): { spans: OperationSpan[]; total: number } {
  const byId = new Map<string, OperationSpan>();
  for (const r of history) {
    const id = typeof r.value.executionId === 'string' ? r.value.executionId : undefined;
    if (id === undefined) continue;
    let op = byId.get(id);
    if (r.f === 'submitted' && op === undefined) {
      op = { id, kind: String(r.value.kind ?? '?'), start: r.time, end: null, outcome: 'pending', workers: [], attempts: 0 };
      byId.set(id, op);
    }
    if (op === undefined) continue;
    if (r.f === 'claimed') {
      op.attempts++;
      const w = String(r.value.workerId);
      if (!op.workers.includes(w)) op.workers.push(w);
    } else if (r.f === 'status' && r.process === 'coordinator') {
      const to = String(r.value.to);
      op.outcome = to;
      if (TERMINAL.has(to)) op.end = r.time;
    }
  }
  const all = [...byId.values()].sort((a, b) => a.start - b.start);
  return { spans: all.slice(0, MAX_OPERATIONS), total: all.length };
}
