/**
 * How long the coordinator's store writes took to commit, as the
 * HistoryRecorder sees them (CommitObserver: staged, committed, failed,
 * crashed). Kept as a summary, not a record per write: the slowest commit and
 * the oldest write still waiting, which the run writes into the history as a
 * `storeCommits` note at its end (promise 19's commit-latency rule,
 * harness/check/promises-commit-latency.ts).
 */

/** What the `storeCommits` note carries. */
export interface CommitLatencySummary {
  /** Writes that committed. */
  commits: number;
  /** The slowest commit: its write, when it was staged, how long it took. */
  slowest?: { op: string; stagedAt: number; ms: number };
  /** The oldest write still uncommitted at the summary (neither failed nor lost to a crash). */
  waiting?: { op: string; stagedAt: number; ms: number };
  /** Of the writes a coordinator crash cut off (neither committed nor failed by then), the one that had waited longest, and until when. */
  cutOff?: { op: string; stagedAt: number; ms: number; crashedAt: number };
}

/** Staged writes by token, and the slowest commit so far. */
export class CommitLatency {
  private readonly pending = new Map<number, { op: string; time: number }>();
  private slowest: CommitLatencySummary['slowest'];
  private cutOff: CommitLatencySummary['cutOff'];
  private commits = 0;

  staged(token: number, op: string, time: number): void {
    this.pending.set(token, { op, time });
  }

  committed(token: number, time: number): void {
    const p = this.pending.get(token);
    if (p === undefined) return;
    this.pending.delete(token);
    this.commits++;
    const ms = time - p.time;
    if (this.slowest === undefined || ms > this.slowest.ms) this.slowest = { op: p.op, stagedAt: p.time, ms };
  }

  /** The write failed (a storage fault): it will never commit, and is not waiting. */
  failed(token: number): void {
    this.pending.delete(token);
  }

  /** The coordinator died at `time`: what it had staged is gone, not waiting; the longest it had left a write waiting is kept. */
  crashed(time: number): void {
    const oldest = this.pending.values().next().value;
    if (oldest !== undefined && (this.cutOff === undefined || time - oldest.time > this.cutOff.ms)) this.cutOff = { op: oldest.op, stagedAt: oldest.time, ms: time - oldest.time, crashedAt: time };
    this.pending.clear();
  }

  summary(now: number): CommitLatencySummary {
    const oldest = this.pending.values().next().value;
    return {
      commits: this.commits,
      ...(this.slowest === undefined ? {} : { slowest: { ...this.slowest } }),
      ...(this.cutOff === undefined ? {} : { cutOff: { ...this.cutOff } }),
      ...(oldest === undefined ? {} : { waiting: { op: oldest.op, stagedAt: oldest.time, ms: now - oldest.time } }),
    };
  }
}
