/**
 * The contract between the engine (executions, scheduling, retries, timeouts,
 * dependencies, durable state) and the coordinator (connections, sessions,
 * dispatch). The engine owns every execution's state; the coordinator owns
 * connections and asks the engine what to run. Neither touches the other's
 * internals.
 *
 * Threading model: methods mutate in-memory state synchronously (so two
 * callers can never claim the same execution) and return a promise that
 * resolves once the change is committed to the Store. Callers acknowledge
 * anything to anyone only after that promise resolves.
 */
import type { ExecutionId, LeaseToken, WorkerId } from '../core/ids.js';
import type { CheckpointRecord, ExecutionRecord, ExecutionStatus, Priority, RetryPolicy } from '../core/model.js';
import type { StoreHealthStatus } from './store-health.js';

/** What a caller submits (HTTP body or embedding API), before defaults. */
export interface ExecutionSpec {
  kind: string;
  params?: unknown;
  taskId?: string;
  priority?: Priority;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  dependencies?: string[];
  /** Epoch ms; not started before. */
  scheduledAt?: number;
  metadata?: Record<string, unknown>;
  idempotencyKey?: string;
}

/** A graph: task name -> spec with dependsOn naming other tasks of the graph. */
export type GraphSpec = Record<string, ExecutionSpec & { dependsOn?: string[] }>;

/** What the coordinator sends a worker for a claimed execution. */
export interface AssignmentSpec {
  executionId: ExecutionId;
  attempt: number;
  leaseToken: LeaseToken;
  kind: string;
  params: unknown;
  timeoutMs: number | undefined;
  checkpoint: { seq: number; state: unknown } | undefined;
}

export type ResultOutcome = 'completed' | 'failed' | 'cancelled' | 'timeout' | 'paused' | 'revoked';

export interface ResultReport {
  executionId: ExecutionId;
  attempt: number;
  leaseToken: LeaseToken;
  outcome: ResultOutcome;
  result?: unknown;
  error?: { code: string; message: string };
  durationMs: number;
  /** The report also stands for the attempt's start (the worker sent no `started`): the attempt goes running, then to its outcome, in one commit. */
  started?: boolean;
}

/** recorded: this report decided the outcome; duplicate: already recorded (ack and ignore); stale: fenced off. */
export type ResultVerdict = 'recorded' | 'duplicate' | 'stale';

/** The engine calls these on the coordinator. */
export interface Dispatcher {
  /** Tell the lease holder to abort the attempt (cancel, timeout, pause, revoked). */
  abort(workerId: WorkerId, executionId: ExecutionId, leaseToken: LeaseToken, reason: 'cancel' | 'timeout' | 'pause' | 'revoked'): void;
  /** Work became ready (or capacity freed): run the assignment loop soon. */
  wake(): void;
}

/** The engine as the coordinator uses it. */
export interface EngineForCoordinator {
  /**
   * Claims the best ready execution this worker can run (highest priority,
   * then oldest), creating a lease. Returns undefined when nothing fits or the
   * global concurrency limit is reached. The execution is claimed in memory
   * at once; send the assignment only after `committed` resolves.
   */
  claimNext(workerId: WorkerId, kinds: ReadonlySet<string>): { assignment: AssignmentSpec; committed: Promise<void> } | undefined;
  /** The worker reported the attempt started. Ignored if the lease is not current. */
  onStarted(executionId: ExecutionId, attempt: number, leaseToken: LeaseToken): Promise<void>;
  /** Saves a checkpoint if the lease is current and seq moves forward; resolves after commit. */
  onCheckpoint(executionId: ExecutionId, attempt: number, leaseToken: LeaseToken, checkpoint: Omit<CheckpointRecord, 'attempt' | 'at'>): Promise<'saved' | 'stale'>;
  /** Records a result exactly once (fencing by lease token); resolves after commit. */
  onResult(report: ResultReport): Promise<ResultVerdict>;
  /** Extends every lease the worker holds to now + leaseMs (heartbeat). */
  renewLeases(workerId: WorkerId): void;
  /** After (re)registration: which held tasks may continue; the rest must be aborted. */
  syncHeldTasks(
    workerId: WorkerId,
    held: readonly { executionId: string; attempt: number; leaseToken: string; state: 'running' | 'finished' }[],
  ): { confirm: ExecutionId[]; revoke: { executionId: ExecutionId; reason: string }[] };
  /** Leases currently held by a worker (for metrics, capacity and the workers API). */
  leasesOf(workerId: WorkerId): number;
  get(executionId: ExecutionId): ExecutionRecord | undefined;
  /** O(1) counts for metrics gauges, the assignment loop and /readyz-style summaries. */
  snapshotCounts(): EngineCounts;
  /** Circuit breaker state per task kind, sorted by kind (a kind without a breaker is 'closed'). */
  breakerStates(): Record<string, BreakerState>;
  /** Whether the store commits (/healthz, /readyz and write refusals). */
  storeHealth(): StoreHealthStatus;
  /** The coordinator registers itself once, before the port opens. */
  setDispatcher(dispatcher: Dispatcher): void;
  /** Stops timers and refuses further work; the caller closes the store afterwards. */
  close(): void | Promise<void>;
}

/** One spelling of a circuit breaker's state, everywhere (engine, metrics, HTTP stats, dashboard). */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Executions by status and queue sizes, for metrics. */
export interface EngineCounts {
  total: number;
  byStatus: Record<ExecutionStatus, number>;
  /** Claimed and not finished (preparing + running): what maxConcurrentExecutions limits. */
  inFlight: number;
  /** Ready to claim now. */
  queueLength: number;
  /** Waiting for scheduledAt or a retry time. */
  delayed: number;
}

/** What submitTask reports: the execution and whether this call created it. */
export interface SubmitOutcome {
  execution: ExecutionRecord;
  created: boolean;
}

export type ExecutionHook = (execution: Readonly<ExecutionRecord>) => void | Promise<void>;

export interface ListQuery {
  status?: string;
  taskId?: string;
  limit?: number;
  cursor?: string;
}

/**
 * The embedding API (mirrors the seed's TaskExecutionEngine). The HTTP API is
 * a thin layer over exactly these. Specs are validated here (spec.ts), so a
 * bad field throws InvalidArgumentError naming its path, an unknown kind
 * throws code unknown_task_kind listing the known ones, a cycle throws code
 * cycle naming it. Inputs are never mutated.
 */
export interface EngineApi {
  /** Resolves after commit. A repeated idempotencyKey returns the existing execution. */
  scheduleTask(spec: ExecutionSpec): Promise<ExecutionRecord>;
  /** scheduleTask that also says whether this call created the execution (false: an idempotent repeat), e.g. for 201 vs 200. */
  submitTask(spec: ExecutionSpec): Promise<SubmitOutcome>;
  /** All or nothing. */
  scheduleTaskBatch(specs: readonly ExecutionSpec[]): Promise<ExecutionRecord[]>;
  /** All or nothing; dependsOn names tasks of the graph. */
  scheduleTaskGraph(graph: GraphSpec): Promise<{ taskId: string; executionId: ExecutionId }[]>;
  cancelExecution(executionId: string, reason?: string): Promise<ExecutionRecord>;
  pauseExecution(executionId: string): Promise<ExecutionRecord>;
  resumeExecution(executionId: string): Promise<ExecutionRecord>;
  getExecution(executionId: string): ExecutionRecord | undefined;
  listExecutions(query?: ListQuery): { executions: ExecutionRecord[]; nextCursor: string | null };
  /** The executions that depend on this one, in submission order (committed ones, as the listing shows them). */
  dependentsOf(executionId: string): ExecutionId[];
  /** Counts per status, retried, timed out, queue length, running, per-kind success rate, p50/p95 durations, breakers. */
  getExecutionStats(): Record<string, unknown>;
  addPreExecutionHook(hook: ExecutionHook): void;
  addPostExecutionHook(hook: ExecutionHook): void;
}
