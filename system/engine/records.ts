/**
 * Building and reading ExecutionRecords: new records from normalized specs,
 * snapshots for callers, and facts derived from the status history (so they
 * survive restarts without extra fields).
 */
import type { ExecutionId } from '../core/ids.js';
import { asTaskId } from '../core/ids.js';
import type { ExecutionRecord, ExecutionStatus } from './model.js';
import type { NormalizedSpec } from './spec.js';

/** A new record in `status`, with its first history entry. */
export function newRecord(
  id: ExecutionId,
  spec: NormalizedSpec,
  dependencies: ExecutionId[],
  status: ExecutionStatus,
  now: number,
): ExecutionRecord {
  const future = spec.scheduledAt !== undefined && spec.scheduledAt > now;
  return {
    executionId: id,
    taskId: asTaskId(spec.taskId ?? id),
    kind: spec.kind,
    params: spec.params,
    priority: spec.priority,
    retry: spec.retry,
    timeoutMs: spec.timeoutMs,
    dependencies,
    scheduledAt: spec.scheduledAt,
    metadata: spec.metadata,
    idempotencyKey: spec.idempotencyKey,
    status,
    attempts: 0,
    result: undefined,
    error: undefined,
    statusHistory: [{ status, at: now, previous: null, attempt: 0, reason: 'submitted' }],
    lease: undefined,
    checkpoint: undefined,
    nextRunAt: future ? spec.scheduledAt : undefined,
    createdAt: now,
    startedAt: undefined,
    completedAt: undefined,
  };
}

/**
 * Failed or timed-out attempts so far: the history's failed/timeout entries
 * (lease expiries, cancels and pauses are not failures).
 */
export function failedAttempts(rec: ExecutionRecord): number {
  let n = 0;
  for (const e of rec.statusHistory) if (e.status === 'failed' || e.status === 'timeout') n++;
  return n;
}

/** A copy a caller may keep or mutate without touching engine state (params/result/metadata deep-copied). */
export function snapshot(rec: ExecutionRecord): ExecutionRecord {
  return structuredClone(rec);
}
