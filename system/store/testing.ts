/**
 * Test helpers for anything that deals in ExecutionRecords or Stores. Test-only:
 * production code never imports this module.
 */
import { asExecutionId, asTaskId } from '../core/ids.js';
import type { ExecutionRecord } from '../core/model.js';
import type { Store } from './store.js';

let counter = 0;

/** A valid scheduled execution with fresh ids (`ex_test_N`, `task_test_N`); overrides win. */
export function makeExecutionRecord(overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  counter++;
  const createdAt = overrides.createdAt ?? 1_700_000_000_000;
  return {
    executionId: asExecutionId(`ex_test_${counter}`),
    taskId: asTaskId(`task_test_${counter}`),
    kind: 'echo',
    params: { value: counter },
    priority: 'medium',
    retry: { strategy: 'none', maxRetries: 0, delayMs: 0, maxDelayMs: 0 },
    timeoutMs: undefined,
    dependencies: [],
    scheduledAt: undefined,
    metadata: {},
    idempotencyKey: undefined,
    status: 'scheduled',
    attempts: 0,
    result: undefined,
    error: undefined,
    statusHistory: [{ status: 'scheduled', at: createdAt, previous: null, attempt: 0 }],
    lease: undefined,
    checkpoint: undefined,
    nextRunAt: undefined,
    createdAt,
    startedAt: undefined,
    completedAt: undefined,
    ...overrides,
  };
}

/**
 * A deliberately broken Store for "the checker can fail" tests: every mutating
 * operation resolves as soon as it is issued, before the inner store commits
 * (acknowledgement before commit). The inner promise's outcome is dropped.
 */
export function resolveOnIssue(inner: Store): Store {
  const early = <A extends unknown[]>(fn: (...args: A) => Promise<unknown>) =>
    (...args: A): Promise<void> => {
      fn(...args).catch(() => {});
      return Promise.resolve();
    };
  return {
    loadAll: () => inner.loadAll(),
    submit: early((records) => inner.submit(records)),
    claim: early((record) => inner.claim(record)),
    saveCheckpoint: early((id, cp) => inner.saveCheckpoint(id, cp)),
    complete: early((record) => inner.complete(record)),
    update: early((records) => inner.update(records)),
    prune: async (before) => {
      inner.prune(before).catch(() => {});
      return 0;
    },
    stats: () => inner.stats(),
    close: () => inner.close(),
  };
}
