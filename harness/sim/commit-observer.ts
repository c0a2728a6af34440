/**
 * Watches the coordinator's store commits for the history (commit-aware
 * checking). The engine emits an event and then stages the store operation
 * that makes it durable, in one synchronous turn; the operation's promise
 * settles when the group commit lands. So "every event emitted before this
 * operation was staged is durable once it resolves", and a crash discards
 * what was emitted after the last resolved operation. The HistoryRecorder is
 * the observer: at a crash it marks the coordinator's uncommitted events, and
 * an event claiming the effect of a write that failed (harness/check/
 * write-keys.ts) is marked too. Wrapped outside the simulated disk
 * (FaultyStore), so writes a storage fault refuses are seen failing.
 */
import { type StagedWrite, writeKeys } from '../check/write-keys.js';
import type { Store } from '../../system/store/index.js';

/** Told when store operations are staged and committed, and when the store crashed. */
export interface CommitObserver {
  /** An operation is being staged now (what it makes durable); returns a token for committed() or failed(). */
  staged(write?: StagedWrite): number;
  /** The operation staged with this token committed. */
  committed(token: number): void;
  /** The operation staged with this token failed (a storage fault): nothing of it is durable. */
  failed(token: number): void;
  /** The coordinator process died: whatever was not committed is gone. */
  crashed(): void;
}

/** Store operations that change durable state (the rest are reads or lifecycle). */
const WRITES: ReadonlySet<string> = new Set(['submit', 'claim', 'saveCheckpoint', 'complete', 'update', 'prune']);

/** The same store, reporting each write's staging and commit to `observer`. */
export function observeCommits<S extends Store>(store: S, observer: CommitObserver): S {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (typeof prop !== 'string' || !WRITES.has(prop)) return fn.bind(target);
      return (...args: unknown[]): unknown => {
        const token = observer.staged({ op: prop, keys: writeKeys(prop, args) });
        let out: unknown;
        try {
          out = fn.apply(target, args);
        } catch (err) {
          observer.failed(token);
          throw err;
        }
        if (out instanceof Promise) {
          out.then(
            () => observer.committed(token),
            () => observer.failed(token),
          );
        }
        return out;
      };
    },
  });
}
