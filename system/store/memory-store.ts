/**
 * In-memory Store with crash semantics, for tests, the simulation and
 * `--store memory`.
 *
 * Every operation is *staged* when issued (its arguments deep-copied, so the
 * caller can't alias stored state) and committed together with the other
 * staged operations a little later: on a microtask by default, or after
 * `commitDelayMs` on an injected Clock, so a simulated crash can land between
 * an operation and its commit. A promise settles only when its group commits.
 *
 * `crash()` models `kill -9` of the owning process: staged operations are
 * discarded and their promises never settle (their issuer is dead), and the
 * instance refuses every later call. `reopen()` gives a fresh store over
 * exactly the committed state, as a restarted process would see it on disk.
 *
 * Operations apply in issue order; each one is atomic (a batch that fails,
 * e.g. on an idempotency-key conflict, applies nothing) and fails alone.
 * Values are deep-copied with copyData (structuredClone's semantics, a fast
 * walk for plain data: copy-data.ts), not JSON, so they keep `undefined`.
 */
import type { Buggify } from '../core/buggify.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import { ErrorCode, IllegalStateError, InvalidArgumentError, NotFoundError, SquallError } from '../core/errors.js';
import type { ExecutionId } from '../core/ids.js';
import { type CheckpointRecord, type ExecutionRecord, isTerminal } from '../core/model.js';
import type { Store, StoreStats } from './store.js';
import { copyData } from './copy-data.js';
import { MemoryDurableState, put, remove, run, type UndoLog } from './memory-durable.js';
import { claimMisuse, completeMisuse, settleGroup } from './store-common.js';

export { MemoryDurableState } from './memory-durable.js';

export interface MemoryStoreOptions {
  /** With a clock: staged operations commit together this long after the first of them. Default 1. */
  commitDelayMs?: number;
  /** Commit timing source (the simulation's virtual clock). Without one, commits happen on a microtask. */
  clock?: Clock;
  /** Committed state to start from (see reopen()); a new empty state by default. */
  durable?: MemoryDurableState;
  /** Seeded slow commits under simulation (point store.slow-commit); default noBuggify. */
  buggify?: Buggify;
}

/** Lifecycle of one store instance (one process life). */
type State =
  /** Accepting operations. */
  | 'open'
  /** close() was called; everything staged before it committed. */
  | 'closed'
  /** crash() was called; staged operations were lost. */
  | 'crashed';

interface Staged {
  apply(state: MemoryDurableState): unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** The in-memory Store; see the file header for its commit and crash semantics. */
export class MemoryStore implements Store {
  readonly durable: MemoryDurableState;
  private readonly options: MemoryStoreOptions;
  private state: State = 'open';
  private staged: Staged[] = [];
  private timer: TimerHandle | undefined;
  private microtaskPending = false;
  private readonly counters: StoreStats = { commits: 0, operations: 0 };

  constructor(options: MemoryStoreOptions = {}) {
    if (options.commitDelayMs !== undefined && !(options.commitDelayMs >= 0)) {
      throw new InvalidArgumentError(`commitDelayMs must be >= 0, got ${options.commitDelayMs}`, 'commitDelayMs');
    }
    this.options = options;
    this.durable = options.durable ?? new MemoryDurableState();
  }

  /** A fresh store over the same durable state; only after crash() or close() (one live process per disk). */
  reopen(options: Omit<MemoryStoreOptions, 'durable'> = {}): MemoryStore {
    if (this.state === 'open') {
      throw new IllegalStateError('MemoryStore.reopen() needs a crashed or closed store, but this one is open');
    }
    const { durable: _ignored, ...mine } = this.options;
    return new MemoryStore({ ...mine, ...options, durable: this.durable });
  }

  /** Simulates kill -9: staged operations are lost (their promises never settle); the instance is dead. */
  crash(): void {
    this.state = 'crashed';
    this.staged = [];
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** Operations issued but not yet committed (for tests and the simulation's introspection). */
  get stagedCount(): number {
    return this.staged.length;
  }

  get isCrashed(): boolean {
    return this.state === 'crashed';
  }

  async loadAll(): Promise<ExecutionRecord[]> {
    this.assertUsable('loadAll');
    return [...this.durable.records.values()].map((r) => copyData(r));
  }

  submit(records: readonly ExecutionRecord[]): Promise<void> {
    const copies = copyData(records as ExecutionRecord[]);
    return this.stage<void>('submit', (s) => {
      const undo: UndoLog = [];
      run(undo, () => {
        for (const r of copies) {
          if (s.records.has(r.executionId)) {
            throw new SquallError(ErrorCode.Conflict, `submit: execution ${r.executionId} already exists`);
          }
          put(s, r, undo);
        }
      });
    });
  }

  claim(record: ExecutionRecord): Promise<void> {
    if (record.status !== 'preparing' || record.lease === undefined) {
      return Promise.reject(claimMisuse(record));
    }
    return this.replace('claim', [record]);
  }

  saveCheckpoint(executionId: ExecutionId, checkpoint: CheckpointRecord): Promise<void> {
    const cp = copyData(checkpoint);
    return this.stage<void>('saveCheckpoint', (s) => {
      const existing = s.records.get(executionId);
      if (existing === undefined) throw new NotFoundError(`saveCheckpoint: no execution ${executionId}`);
      if (existing.checkpoint !== undefined && existing.checkpoint.seq >= cp.seq) return;
      put(s, { ...existing, checkpoint: cp }, []);
    });
  }

  complete(record: ExecutionRecord): Promise<void> {
    if (!isTerminal(record.status)) return Promise.reject(completeMisuse(record));
    return this.replace('complete', [record]);
  }

  update(records: readonly ExecutionRecord[]): Promise<void> {
    return this.replace('update', records);
  }

  prune(completedBefore: number): Promise<number> {
    return this.stage<number>('prune', (s) => {
      let n = 0;
      for (const r of [...s.records.values()]) {
        if (isTerminal(r.status) && r.completedAt !== undefined && r.completedAt < completedBefore) {
          remove(s, r.executionId, []);
          n++;
        }
      }
      return n;
    });
  }

  /** A no-op operation that still needs a commit group. */
  probe(): Promise<void> {
    return this.stage<void>('probe', () => undefined);
  }

  stats(): StoreStats {
    return { ...this.counters };
  }

  /** Commits everything staged, then refuses further calls. Idempotent. */
  async close(): Promise<void> {
    if (this.state === 'crashed') throw deadError('close');
    if (this.state === 'closed') return;
    this.flush();
    this.state = 'closed';
  }

  /** Overwrites existing records with new snapshots, all or nothing. */
  private replace(op: string, records: readonly ExecutionRecord[]): Promise<void> {
    const copies = copyData(records as ExecutionRecord[]);
    return this.stage<void>(op, (s) => {
      const undo: UndoLog = [];
      run(undo, () => {
        for (const r of copies) {
          if (!s.records.has(r.executionId)) throw new NotFoundError(`${op}: no execution ${r.executionId}`);
          put(s, r, undo);
        }
      });
    });
  }

  private stage<T>(op: string, apply: (s: MemoryDurableState) => T): Promise<T> {
    if (this.state !== 'open') return Promise.reject(this.state === 'crashed' ? deadError(op) : closedError(op));
    return new Promise<T>((resolve, reject) => {
      this.staged.push({ apply, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    const { clock } = this.options;
    if (clock !== undefined) {
      this.timer ??= clock.setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, (this.options.commitDelayMs ?? 1) + (this.options.buggify?.extraMs('store.slow-commit', 250) ?? 0));
      return;
    }
    if (this.microtaskPending) return;
    this.microtaskPending = true;
    queueMicrotask(() => {
      this.microtaskPending = false;
      if (this.state === 'open') this.flush();
    });
  }

  /** Applies every staged operation in order as one commit, then settles their promises. */
  private flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const group = this.staged;
    this.staged = [];
    if (group.length === 0) return;
    const outcomes = group.map((op) => {
      try {
        return { ok: true as const, value: op.apply(this.durable) };
      } catch (err) {
        return { ok: false as const, err };
      }
    });
    this.durable.commits++;
    this.counters.commits++;
    this.counters.operations += group.length;
    settleGroup(group, outcomes);
  }

  private assertUsable(op: string): void {
    if (this.state === 'crashed') throw deadError(op);
    if (this.state === 'closed') throw closedError(op);
  }
}

function deadError(op: string): IllegalStateError {
  return new IllegalStateError(`MemoryStore.${op}: the store crashed; call reopen() for the committed state`);
}

function closedError(op: string): IllegalStateError {
  return new IllegalStateError(`MemoryStore.${op}: the store is closed`);
}
