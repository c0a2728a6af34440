/**
 * The execution model shared by engine, coordinator, store and harness.
 * Field names follow the HTTP API (docs/PROTOCOL.md, README).
 */
import type { ExecutionId, LeaseToken, TaskId, WorkerId } from './ids.js';
import type { StatusHistory } from './status-history.js';

export const ExecutionStatus = {
  /** Accepted; waiting for dependencies to complete. */
  Pending: 'pending',
  /** Ready (or waiting for its scheduledAt / retry time); queued for a worker. */
  Scheduled: 'scheduled',
  /** Assigned to a worker under a lease; not yet reported started. */
  Preparing: 'preparing',
  /** The worker reported it started. */
  Running: 'running',
  /** Stopped at a checkpoint by a pause request; resumes on any worker. */
  Paused: 'paused',
  /** Waiting for its retry time after a failed or timed-out attempt. */
  Retrying: 'retrying',
  Completed: 'completed',
  Failed: 'failed',
  Cancelled: 'cancelled',
  /** Terminal only when the last attempt timed out and no retry is left. */
  Timeout: 'timeout',
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];
export const EXECUTION_STATUSES = Object.values(ExecutionStatus);
export const TERMINAL_STATUSES: ReadonlySet<ExecutionStatus> = new Set(['completed', 'failed', 'cancelled', 'timeout']);
export const isTerminal = (s: ExecutionStatus): boolean => TERMINAL_STATUSES.has(s);

export const Priority = { low: 0, medium: 1, high: 2, critical: 3 } as const;
export type Priority = keyof typeof Priority;

export const RETRY_STRATEGIES = ['none', 'immediate', 'fixed', 'exponential', 'fibonacci'] as const;
export type RetryStrategy = (typeof RETRY_STRATEGIES)[number];

export interface RetryPolicy {
  strategy: RetryStrategy;
  /** Retries after the first attempt; attempts never exceed 1 + maxRetries. */
  maxRetries: number;
  /** Base delay (fixed: the delay; exponential: delayMs*2^(n-1); fibonacci: delayMs*fib(n)). */
  delayMs: number;
  /** Cap on any single delay. */
  maxDelayMs: number;
}

export interface StatusEntry {
  status: ExecutionStatus;
  /** Epoch milliseconds. */
  at: number;
  previous: ExecutionStatus | null;
  attempt: number;
  reason?: string;
}

export interface Lease {
  workerId: WorkerId;
  token: LeaseToken;
  attempt: number;
  /** Epoch ms; renewed (in memory) by the holder's heartbeats. */
  expiresAt: number;
}

export interface CheckpointRecord {
  seq: number;
  state: unknown;
  attempt: number;
  at: number;
}

export interface ExecutionRecord {
  executionId: ExecutionId;
  taskId: TaskId;
  kind: string;
  params: unknown;
  priority: Priority;
  retry: RetryPolicy;
  /** Per-attempt timeout; undefined = none. */
  timeoutMs: number | undefined;
  dependencies: ExecutionId[];
  /** Not before this epoch ms. */
  scheduledAt: number | undefined;
  metadata: Record<string, unknown>;
  idempotencyKey: string | undefined;
  status: ExecutionStatus;
  /**
   * Attempts so far: every claim, but one its holder handed back without
   * starting it (a refusal at capacity, a pause or cancel before the start),
   * whose number the next claim takes again with a new lease token.
   */
  attempts: number;
  result: unknown;
  error: { code: string; message: string } | undefined;
  /** Oldest first; a plain array or, in the engine's records, a CompactHistory (status-history.ts). */
  statusHistory: StatusHistory;
  /** Current lease while preparing/running. */
  lease: Lease | undefined;
  /** Latest acknowledged (committed) checkpoint. */
  checkpoint: CheckpointRecord | undefined;
  /** When a retrying (or scheduled) execution becomes ready again. */
  nextRunAt: number | undefined;
  createdAt: number;
  startedAt: number | undefined;
  completedAt: number | undefined;
}
