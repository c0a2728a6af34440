/**
 * What each client control (cancel, pause, resume: client-ops.ts) did to the
 * coordinator's store, beside what the API answered: promise 29's
 * repeated-control rule judged statusHistory alone, so a control that wrote
 * the execution's row without adding a history entry (a repeated pause
 * rewriting the paused row), or that added an entry the store never got,
 * passed. For each control the client notes `controlStore`:
 *  - `before` / `after`: the store's committed row at the request and at
 *    the answer (status and the statusHistory's statuses), read
 *    straight from the simulated MemoryStore's durable state, or on SQLite
 *    from what the database has committed, through the production store's
 *    executor and row decoding (SimSqliteStore.committedRecord);
 *  - `writes`: the store writes staged for the execution between request and
 *    answer (less those a storage fault refused), counted from the commit
 *    observer's write keys (harness/check/write-keys.ts), on either store;
 *  - `pending`: the execution's writes still uncommitted at the answer (the
 *    row and the answer are compared only when none is, since the engine's
 *    memory runs ahead of its commits by design);
 *  - `answer`: the status and history the API answered (ok answers only).
 * harness/check/promises-control-store.ts judges the notes.
 */
import type { HistoryRecorder } from '../check/history.js';
import type { CommitObserver } from '../sim/commit-observer.js';
import type { Simulation } from '../sim/index.js';
import type { ExecutionId } from '../../system/core/index.js';
import { MemoryStore } from '../../system/store/index.js';

/** A row (or answer) as the rule compares it: the status and the statuses of its statusHistory, in order. */
interface ControlRow {
  status: string;
  history: string[];
}

/** The write-key prefixes that name one execution (write-keys.ts). */
const KEYED = /^(?:status|submitted|claimed|result_recorded|checkpoint_saved)\|([^|]+)/;

/** Store writes per execution, counted as the commit observer hears them (outside the simulated disk). */
export class WriteTally {
  /** Writes staged and not failed, per execution. */
  private readonly counts = new Map<string, number>();
  /** Staged writes not yet committed or failed: token → the executions they name. */
  private readonly open = new Map<number, string[]>();

  /** `inner`, with every staged write counted against the executions its keys name. */
  observe(inner: CommitObserver): CommitObserver {
    return {
      staged: (write) => {
        const ids = [...new Set((write?.keys ?? []).map((k) => KEYED.exec(k)?.[1]).filter((id): id is string => id !== undefined))];
        for (const id of ids) this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
        const token = inner.staged(write);
        if (ids.length > 0) this.open.set(token, ids);
        return token;
      },
      committed: (token) => (this.open.delete(token), inner.committed(token)),
      failed: (token) => {
        // A write a storage fault refused wrote nothing: it does not count.
        for (const id of this.open.get(token) ?? []) this.counts.set(id, (this.counts.get(id) ?? 1) - 1);
        this.open.delete(token);
        inner.failed(token);
      },
      crashed: () => (this.open.clear(), inner.crashed()),
    };
  }

  /** Writes staged for `executionId` so far, less those that failed. */
  of(executionId: string): number {
    return this.counts.get(executionId) ?? 0;
  }

  /** Writes of `executionId` staged and not yet committed (nor failed). */
  pending(executionId: string): number {
    let n = 0;
    for (const ids of this.open.values()) if (ids.includes(executionId)) n++;
    return n;
  }
}

/** The store's committed row of `executionId`, on either store (null: no row, or no store open). */
function storeRow(sim: Simulation, executionId: string): ControlRow | null {
  const store = sim.coordinator.store;
  const r = store instanceof MemoryStore ? store.durable.records.get(executionId as ExecutionId) : store?.committedRecord(executionId);
  return r === undefined ? null : { status: r.status, history: r.statusHistory.map((e) => e.status) };
}

/** What a control's request saw, to be completed at its answer. */
export interface ControlWatch {
  answered(answer: { status: string; history: readonly string[] } | undefined, httpStatus: number | undefined): void;
}

/** Starts watching one control request (call as it is made; `answered` when its answer came). */
export function watchControl(sim: Simulation, tally: WriteTally | undefined, recorder: HistoryRecorder, op: string, executionId: string): ControlWatch {
  const before = storeRow(sim, executionId);
  const writesBefore = tally?.of(executionId);
  return {
    answered: (answer, httpStatus) => {
      recorder.recordInfo(
        {
          controlStore: {
            op,
            executionId,
            httpStatus: httpStatus ?? null,
            before,
            after: storeRow(sim, executionId),
            writes: tally === undefined || writesBefore === undefined ? null : tally.of(executionId) - writesBefore,
            pending: tally === undefined ? null : tally.pending(executionId),
            answer: answer === undefined ? null : { status: answer.status, history: [...answer.history] },
          },
        },
        'client',
      );
    },
  };
}
