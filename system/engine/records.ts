/**
 * Building and reading ExecutionRecords: new records from normalized specs,
 * snapshots for callers, and facts derived from the status history (so they
 * survive restarts without extra fields).
 */
import type { ExecutionId } from '../core/ids.js';
import { asTaskId } from '../core/ids.js';
import type { ExecutionRecord, ExecutionStatus } from '../core/model.js';
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

/**
 * A copy of a record for callers: every field the engine mutates (status,
 * history, lease, checkpoint, counters) is copied, so it never changes under
 * the caller. params, metadata, result and checkpoint state are shared, not
 * deep-copied (cheap on the hot path); the engine never mutates them, and
 * callers must not either.
 */
export function snapshot(rec: ExecutionRecord): ExecutionRecord {
  return {
    ...rec,
    retry: { ...rec.retry },
    dependencies: [...rec.dependencies],
    statusHistory: rec.statusHistory.map((e) => ({ ...e })),
    lease: rec.lease === undefined ? undefined : { ...rec.lease },
    checkpoint: rec.checkpoint === undefined ? undefined : { ...rec.checkpoint },
    error: rec.error === undefined ? undefined : { ...rec.error },
  };
}
