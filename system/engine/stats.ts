/**
 * Incrementally maintained execution statistics, fed by the engine's single
 * transition function (and rebuilt from records on recovery), so stats and
 * metrics cost O(1) per change and never scan all executions.
 *
 * Semantics: `retried` counts executions that entered retrying at least once;
 * `timedOut` counts timed-out attempts; byKind counts terminal EXECUTIONS
 * (a failed attempt that is retried is not a failed execution).
 */
import { EXECUTION_STATUSES, isTerminal, type ExecutionRecord, type ExecutionStatus } from '../core/model.js';
import { percentileOfSorted } from '../core/stats.js';

export interface KindStats {
  completed: number;
  failed: number;
  cancelled: number;
  /** completed / (completed + failed), null before any of them. */
  successRate: number | null;
}

export class StatsCollector {
  readonly byStatus: Record<ExecutionStatus, number>;
  total = 0;
  retried = 0;
  timedOut = 0;
  private readonly byKind = new Map<string, { completed: number; failed: number; cancelled: number }>();
  private readonly durations: number[] = [];
  private next = 0;

  constructor(private readonly samples: number) {
    this.byStatus = Object.fromEntries(EXECUTION_STATUSES.map((s) => [s, 0])) as Record<ExecutionStatus, number>;
  }

  /** A new execution appeared in `status` (submission or recovery). */
  onCreated(status: ExecutionStatus): void {
    this.total++;
    this.byStatus[status]++;
  }

  /**
   * One status change. `terminal` says whether `to` ends the execution (a
   * failed/timeout entry followed by a retry is not terminal).
   */
  onTransition(rec: ExecutionRecord, from: ExecutionStatus, to: ExecutionStatus, terminal: boolean): void {
    this.byStatus[from]--;
    this.byStatus[to]++;
    if (to === 'timeout') this.timedOut++;
    if (to === 'retrying' && rec.statusHistory.filter((e) => e.status === 'retrying').length === 1) this.retried++;
    if (terminal) this.onTerminal(rec, to);
  }

  /** Rebuilds the history-derived counters of one recovered execution. */
  onRecovered(rec: ExecutionRecord): void {
    this.onCreated(rec.status);
    this.timedOut += rec.statusHistory.filter((e) => e.status === 'timeout').length;
    if (rec.statusHistory.some((e) => e.status === 'retrying')) this.retried++;
    if (rec.status === 'completed' || rec.status === 'failed' || rec.status === 'cancelled' || rec.status === 'timeout') {
      this.onTerminal(rec, rec.status);
    }
  }

  /**
   * A record dropped by a reload from the store, which recovers it again
   * (onRecovered): undoes every count onRecovered will add back, so a reload
   * does not count terminal executions, timeouts and retries twice.
   */
  onUnloaded(rec: ExecutionRecord): void {
    this.onForgotten(rec);
    this.timedOut -= rec.statusHistory.filter((e) => e.status === 'timeout').length;
    if (rec.statusHistory.some((e) => e.status === 'retrying')) this.retried--;
    const k = this.byKind.get(rec.kind);
    if (k === undefined || !isTerminal(rec.status)) return;
    if (rec.status === 'completed') k.completed--;
    else if (rec.status === 'cancelled') k.cancelled--;
    else k.failed--;
  }

  /** A pruned execution leaves the counts of existing executions (per-kind history stays). */
  onForgotten(rec: ExecutionRecord): void {
    this.total--;
    this.byStatus[rec.status]--;
  }

  kinds(): Record<string, KindStats> {
    const out: Record<string, KindStats> = {};
    for (const kind of [...this.byKind.keys()].sort()) {
      const k = this.byKind.get(kind) as { completed: number; failed: number; cancelled: number };
      const decided = k.completed + k.failed;
      out[kind] = { ...k, successRate: decided === 0 ? null : k.completed / decided };
    }
    return out;
  }

  /** p50/p95 of recent completed executions' durations (start of last attempt to completion). */
  percentiles(): { p50: number | null; p95: number | null; samples: number } {
    const sorted = [...this.durations].sort((a, b) => a - b);
    return { p50: percentileOfSorted(sorted, 50), p95: percentileOfSorted(sorted, 95), samples: sorted.length };
  }

  private onTerminal(rec: ExecutionRecord, to: ExecutionStatus): void {
    let k = this.byKind.get(rec.kind);
    if (k === undefined) {
      k = { completed: 0, failed: 0, cancelled: 0 };
      this.byKind.set(rec.kind, k);
    }
    if (to === 'completed') {
      k.completed++;
      if (rec.startedAt !== undefined && rec.completedAt !== undefined) this.sample(Math.max(0, rec.completedAt - rec.startedAt));
    } else if (to === 'cancelled') {
      k.cancelled++;
    } else {
      k.failed++;
    }
  }

  private sample(ms: number): void {
    if (this.durations.length < this.samples) this.durations.push(ms);
    else this.durations[this.next] = ms;
    this.next = (this.next + 1) % this.samples;
  }
}
