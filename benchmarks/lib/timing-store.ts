/**
 * A Store decorator for benchmarks: delegates every operation to the real
 * store and reports each terminal outcome when its commit resolves. That is
 * the honest "completed" moment for submit-to-complete latency: the result is
 * durable (and only then acknowledged to the worker), not merely decided in
 * memory.
 */
import type { ExecutionId } from '../../system/core/ids.js';
import type { CheckpointRecord, ExecutionRecord } from '../../system/core/model.js';
import type { Store, StoreStats } from '../../system/store/store.js';

/** Called once per execution whose terminal status committed. */
export type CommittedListener = (record: Readonly<ExecutionRecord>) => void;

/** Wraps `inner`; `onCommittedTerminal` sees every committed complete(). */
export class TimingStore implements Store {
  constructor(
    private readonly inner: Store,
    private readonly onCommittedTerminal: CommittedListener,
  ) {}

  loadAll(): Promise<ExecutionRecord[]> {
    return this.inner.loadAll();
  }
  submit(records: readonly ExecutionRecord[]): Promise<void> {
    return this.inner.submit(records);
  }
  claim(record: ExecutionRecord): Promise<void> {
    return this.inner.claim(record);
  }
  saveCheckpoint(executionId: ExecutionId, checkpoint: CheckpointRecord): Promise<void> {
    return this.inner.saveCheckpoint(executionId, checkpoint);
  }
  complete(record: ExecutionRecord): Promise<void> {
    return this.inner.complete(record).then(() => this.onCommittedTerminal(record));
  }
  update(records: readonly ExecutionRecord[]): Promise<void> {
    return this.inner.update(records);
  }
  prune(completedBefore: number): Promise<number> {
    return this.inner.prune(completedBefore);
  }
  stats(): StoreStats {
    return this.inner.stats();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
