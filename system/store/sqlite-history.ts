/**
 * SqliteStore's count of the status history entries each row holds
 * (sqlite-rows.ts: a status change appends its new entries to `hist`).
 */

/**
 * How many status history entries each execution's row holds once what this
 * store issued commits, so that a write sends only the entries after them
 * (sqlite-rows.ts). Set when a write is queued, in issue order, which is the
 * order the rows are written in. Counted from an execution's first write
 * after submit (its claim, which writes the whole history: two entries) to
 * its completion, so the map holds the executions under way, not every
 * pending one; forgotten entirely when any write fails (the
 * disk may then hold fewer entries): a write of an execution with no count
 * writes its whole history. A count that is wrong all the same (a write
 * queued before a failure was known) is caught by the statement, which
 * checks the row's count, and fails that write.
 */
export class HistoryCounts {
  private readonly counts = new Map<string, number>();

  get(id: string): number | undefined {
    return this.counts.get(id);
  }

  /** The rows will hold `n` entries once queued writes commit; `done` forgets the execution. */
  set(id: string, n: number, done: boolean): void {
    if (done) this.counts.delete(id);
    else this.counts.set(id, n);
  }

  /** The executions counted (Store memory a test reads: SqliteStore.heldExecutions). */
  ids(): string[] {
    return [...this.counts.keys()];
  }

  clear(): void {
    this.counts.clear();
  }
}
