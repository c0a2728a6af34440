/**
 * The harness's own records in a history (harness/check/history.ts):
 * what a submission says when it is invoked and acknowledged, and a fault as
 * recorded when it starts or stops.
 */
export interface SubmitInvoke {
  /** The harness's own name for this submission (workload item and number). */
  ref: string;
  kind: string;
  /** Graph shape when a graph was submitted. */
  graph?: string;
  /**
   * For a graph: each node's dependencies as the client submitted them, as
   * positions in the ok's executionIds (the checker's order promise uses
   * these, so dependencies the system dropped still count).
   */
  dependsOn?: number[][];
  /**
   * Executions acknowledged to earlier submissions that this one's task (a
   * graph: its root nodes) was submitted to depend on (workload dependsOn):
   * the order promise counts them even if the system dropped them.
   */
  after?: string[];
  /** Retry policy as submitted (partial; the engine fills defaults). */
  retry?: Record<string, unknown>;
  /** Per execution (ok's executionIds order): priority, timeoutMs, idempotencyKey as the client asked (promises-engine.ts). */
  intent?: { priority: string; timeoutMs?: number; idempotencyKey?: string; retry?: Record<string, unknown>; omitted?: string[]; node?: string }[];
  /** What each execution runs, aligned with the ok's executionIds (task contracts, timeouts: promises 16, 17). */
  tasks?: TaskSubmitted[];
  /** Future-dated: scheduledAt = the instant it was sent + startAfterMs (documented boundaries, promises-api-echoes.ts). */
  startAfterMs?: number;
  /** The x-squall-client header it sent (absent: none; the address is its client for the quota, promises-quota.ts). */
  client?: string;
}

/** One submitted execution's kind, params and timeout, as the client asked. */
export interface TaskSubmitted {
  kind: string;
  params?: unknown;
  /** The metadata it was submitted with, when any (promise 33). */
  metadata?: unknown;
  timeoutMs?: number;
}
/** What a submit ok says: the acknowledged execution ids (one, or a graph's). */
export interface SubmitOk {
  executionIds: string[];
  /** The HTTP status of the answer when the client saw one (201 created, 200 an idempotent repeat). */
  status?: number;
}

/** A fault as recorded when it starts or stops. */
export interface FaultDetails {
  /** Stable per run: pairs start and stop. */
  id: string;
  action: string;
  target: string;
  /** Workers affected (resolved target), when known. */
  workers?: string[];
  /** Whether the coordinator is affected. */
  coordinator?: boolean;
  params?: Record<string, unknown>;
  /** 'timeline' or 'swarm'. */
  origin?: string;
}

/** A submission's refusal as the client got it: the error code and message, the HTTP status and documented headers when an answer came. */
export interface SubmitRefusal {
  code: string;
  message: string;
  status?: number;
  /** The answer's documented headers by lower-case name (Retry-After, Content-Type, Allow), when the client read them. */
  headers?: Record<string, string>;
}
