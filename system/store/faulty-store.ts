/**
 * Storage faults as first-class faults: a Store wrapper that fails or stalls
 * writes on demand, as a full or broken disk would.
 *
 * - disk_full: every write fails with ENOSPC (SQLITE_FULL), nothing reaches
 *   the inner store, like a rolled-back transaction;
 * - disk_error: a write fails with EIO with `probability` (seeded Random),
 *   also without reaching the inner store;
 * - slow_disk: each write is held back a seeded delay in [minMs, maxMs]
 *   before it is issued to the inner store (issue order is kept: a write
 *   never overtakes an earlier one).
 *
 * Closing fails as a write does (its last commits cannot be written). Reads (loadAll) always work, as on a full disk. The simulation drives the
 * mode from the scenario fault vocabulary (harness/scenario/faults-sim.ts);
 * a live coordinator gets it from a control file (fault-control.ts,
 * SQUALL_STORE_FAULTS). Nothing in production constructs one otherwise.
 */
import type { Clock } from '../core/clock.js';
import { ErrorCode, InvalidArgumentError, SquallError } from '../core/errors.js';
import type { ExecutionId } from '../core/ids.js';
import type { Random } from '../core/random.js';
import type { CheckpointRecord, ExecutionRecord } from '../core/model.js';
import { copyData } from './copy-data.js';
import type { Store, StoreStats } from './store.js';

/** The injected condition of the disk. */
export type StoreFaultMode =
  | { type: 'ok' }
  | { type: 'disk_full' }
  | { type: 'disk_error'; probability: number }
  | { type: 'slow_disk'; minMs: number; maxMs: number };

/** Where a FaultyStore reads its mode from before each write. */
export type StoreFaultSource = () => StoreFaultMode;

/** Counts of what the wrapper did, for tests and reports. */
export interface FaultyStoreStats {
  failed: number;
  delayed: number;
}

/** Checks a mode's numbers; throws naming the bad field. */
export function validateFaultMode(mode: StoreFaultMode): StoreFaultMode {
  if (mode.type === 'disk_error' && !(mode.probability >= 0 && mode.probability <= 1)) {
    throw new InvalidArgumentError(`disk_error probability must be in [0, 1], got ${mode.probability}`, 'probability');
  }
  if (mode.type === 'slow_disk' && !(Number.isInteger(mode.minMs) && mode.minMs >= 0 && Number.isInteger(mode.maxMs) && mode.maxMs >= mode.minMs)) {
    throw new InvalidArgumentError(`slow_disk needs integers 0 <= minMs <= maxMs, got ${mode.minMs}..${mode.maxMs}`, 'minMs');
  }
  return mode;
}

/** The Store wrapper; see the file comment. */
export class FaultyStore implements Store {
  private mode: StoreFaultMode = { type: 'ok' };
  private lastIssueAt = -Infinity;
  readonly faultStats: FaultyStoreStats = { failed: 0, delayed: 0 };

  constructor(
    readonly inner: Store,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly source?: StoreFaultSource,
  ) {}

  /** Sets the disk's condition (the simulation's fault start/undo). */
  setMode(mode: StoreFaultMode): void {
    this.mode = validateFaultMode(mode);
  }

  get currentMode(): StoreFaultMode {
    return this.source?.() ?? this.mode;
  }

  loadAll(): Promise<ExecutionRecord[]> {
    return this.inner.loadAll();
  }

  submit(records: readonly ExecutionRecord[]): Promise<void> {
    return this.write(records, (r) => this.inner.submit(r));
  }

  claim(record: ExecutionRecord): Promise<void> {
    return this.write(record, (r) => this.inner.claim(r));
  }

  saveCheckpoint(executionId: ExecutionId, checkpoint: CheckpointRecord): Promise<void> {
    return this.write(checkpoint, (c) => this.inner.saveCheckpoint(executionId, c));
  }

  complete(record: ExecutionRecord): Promise<void> {
    return this.write(record, (r) => this.inner.complete(r));
  }

  update(records: readonly ExecutionRecord[]): Promise<void> {
    return this.write(records, (r) => this.inner.update(r));
  }

  prune(completedBefore: number): Promise<number> {
    return this.write(completedBefore, (t) => this.inner.prune(t));
  }

  probe(): Promise<void> {
    return this.write(undefined, () => (this.inner.probe === undefined ? this.inner.update([]) : this.inner.probe()));
  }

  stats(): StoreStats {
    return this.inner.stats();
  }

  /**
   * Closing writes the store's last commits: on a failing disk it fails as a
   * write does (disk_full always, disk_error with its probability), without
   * reaching the inner store, which stays open for the kill or exit that
   * follows; a slow disk does not hold it back.
   */
  close(): Promise<void> {
    const failure = this.failureOf(this.currentMode);
    if (failure === undefined) return this.inner.close();
    this.faultStats.failed++;
    return Promise.reject(failure);
  }

  /**
   * Applies the current mode to one write: fail it, delay it (in order), or
   * pass it through. A delayed write is issued with a copy of its data taken
   * now: the caller handed the store this state, as a real disk's stall
   * comes after the transaction's data were given to it. (Issuing the
   * caller's live objects wrote whatever they held later: a claim the engine
   * cancelled meanwhile reached the store as a cancelled record and was
   * refused as a misuse, marking the store failing.)
   */
  private write<A, T>(data: A, issue: (data: A) => Promise<T>): Promise<T> {
    const mode = this.currentMode;
    const failure = this.failureOf(mode);
    if (failure !== undefined) {
      this.faultStats.failed++;
      return Promise.reject(failure);
    }
    const now = this.clock.now();
    const delay = mode.type === 'slow_disk' ? this.random.int(mode.minMs, mode.maxMs) : 0;
    // A write is issued no earlier than the one before it: order is what the Store promises.
    const at = Math.max(now + delay, this.lastIssueAt);
    this.lastIssueAt = at;
    if (at <= now) return issue(data);
    this.faultStats.delayed++;
    const snapshot = copyData(data);
    return new Promise<T>((resolve, reject) => {
      this.clock.setTimeout(() => issue(snapshot).then(resolve, reject), at - now);
    });
  }

  private failureOf(mode: StoreFaultMode): SquallError | undefined {
    if (mode.type === 'disk_full') return injected('ENOSPC', 'no space left on device');
    if (mode.type === 'disk_error' && this.random.float() < mode.probability) return injected('EIO', 'input/output error');
    return undefined;
  }
}

function injected(code: 'ENOSPC' | 'EIO', text: string): SquallError {
  const cause = Object.assign(new Error(`${code}: ${text} (injected storage fault)`), { code });
  return new SquallError(ErrorCode.Unavailable, `store commit failed: ${cause.message}`, { cause });
}
