/**
 * The storage boundary: one interface of named operations, each with stated
 * durability. Every mutating operation resolves only after its effect is
 * committed (durable for SQLite, "survives crash()" for the in-memory store),
 * and the coordinator acknowledges nothing before that. Implementations may
 * group commits: several operations issued in the same tick share one
 * transaction, but none resolves before the transaction commits.
 *
 * Operations are applied in the order they are issued. An operation carries
 * the full record after the change. The fields fixed at submission
 * (executionId, taskId, kind, params, priority, retry, timeoutMs,
 * dependencies, scheduledAt, metadata, createdAt) are persisted by submit();
 * a later operation persists the rest (sqlite-rows.ts MUTABLE_FIELDS) and a
 * store may ignore a change to a fixed field (the engine never makes one).
 *
 * Implementations: memory-store.ts (tests, simulation, `--store memory`),
 * sqlite-store.ts (production default, WAL). One conformance suite runs
 * against both (tests/conformance/store.test.ts).
 */
import type { ExecutionId } from '../core/ids.js';
import type { CheckpointRecord, ExecutionRecord } from '../core/model.js';

export interface StoreStats {
  commits: number;
  operations: number;
}

export interface Store {
  /** Every execution, for recovery at startup. Reads committed state only. */
  loadAll(): Promise<ExecutionRecord[]>;
  /** Persists new executions atomically (a graph or batch commits all or nothing). */
  submit(records: readonly ExecutionRecord[]): Promise<void>;
  /** Persists a claim: status preparing with the new lease and attempt count. */
  claim(record: ExecutionRecord): Promise<void>;
  /** Persists a checkpoint (only if seq is higher than the stored one). */
  saveCheckpoint(executionId: ExecutionId, checkpoint: CheckpointRecord): Promise<void>;
  /** Persists a terminal outcome (completed/failed/cancelled/timeout). */
  complete(record: ExecutionRecord): Promise<void>;
  /** Persists any other change of an execution (status transition, retry time, lease dropped). */
  update(records: readonly ExecutionRecord[]): Promise<void>;
  /** Drops terminal executions completed before the given time; returns how many. */
  prune(completedBefore: number): Promise<number>;
  /**
   * A real, tiny write (resolves once it committed): how the engine learns the
   * store can commit again after a failure. Optional for test doubles; without
   * it the engine probes with an empty update.
   */
  probe?(): Promise<void>;
  stats(): StoreStats;
  close(): Promise<void>;
}
