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

/** Told how long a Store call took to resolve (bench:dispatch --stall-trace). */
export type StoreOpProbe = (op: string, startedAt: number, ms: number) => void;

/** Wraps `inner`; `onCommittedTerminal` sees every committed complete(). */
export class TimingStore implements Store {
  /** When set, every submit, claim, complete and update reports its commit's duration. */
  opProbe: StoreOpProbe | undefined;

  constructor(
    private readonly inner: Store,
    private readonly onCommittedTerminal: CommittedListener,
  ) {}

  /** The call's promise, timed for the probe when one is set. */
  private timed(op: string, p: Promise<void>): Promise<void> {
    const probe = this.opProbe;
    if (probe === undefined) return p;
    const t0 = performance.now();
    return p.then(() => probe(op, t0, performance.now() - t0));
  }

  loadAll(): Promise<ExecutionRecord[]> {
    return this.inner.loadAll();
  }
  submit(records: readonly ExecutionRecord[]): Promise<void> {
    return this.timed('submit', this.inner.submit(records));
  }
  claim(record: ExecutionRecord): Promise<void> {
    return this.timed('claim', this.inner.claim(record));
  }
  saveCheckpoint(executionId: ExecutionId, checkpoint: CheckpointRecord): Promise<void> {
    return this.inner.saveCheckpoint(executionId, checkpoint);
  }
  complete(record: ExecutionRecord): Promise<void> {
    return this.timed('complete', this.inner.complete(record)).then(() => this.onCommittedTerminal(record));
  }
  update(records: readonly ExecutionRecord[]): Promise<void> {
    return this.timed('update', this.inner.update(records));
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
