/**
 * Commit-or-no-trace for the engine (issue 9). Two mechanisms:
 *
 * - Submissions are rolled back precisely: new records are indexed at once
 *   (so an idempotent repeat in flight finds them) but are not dispatchable,
 *   listed as events, or hooked until their store submit committed; if it
 *   fails they are removed from every index, so a retry with the same
 *   idempotency key creates the execution properly instead of returning a ghost.
 * - Every other change (claims, starts, checkpoints, results, cancels, lease
 *   expiries...) is rolled back by reloading: a failed commit makes the store
 *   'failing' (store-health.ts); once a probe commits, the engine drops its
 *   in-memory state and rebuilds it from the store, exactly the committed state,
 *   as a restart would, without one. Leases that existed only in memory are
 *   revoked at their workers.
 */
import { ErrorCode, SquallError } from '../core/errors.js';
import type { ExecutionId } from '../core/ids.js';
import { EngineCore } from './core.js';
import { isTerminal, type ExecutionRecord } from '../core/model.js';
import { retentionCutoff } from './retention.js';
import { maxFailedAttempts } from './retry.js';
import type { SubmitItem } from './submit.js';
import { withoutKey } from './young-maps.js';

export abstract class CommittedCore extends EngineCore {
  /** Creates planned executions; resolves with them once committed, or rolls them back and rejects. */
  protected async submit(items: SubmitItem[]): Promise<ExecutionRecord[]> {
    this.assertWritable('submit');
    this.assertQuota(items.filter((i) => i.existing === undefined).length);
    if (items.some((i) => i.existing !== undefined && this.pendingSubmits.has(i.existing))) this.marks.hit('engine.repeat-waited-commit');
    const created: ExecutionRecord[] = [];
    const out: ExecutionRecord[] = [];
    const waits: Promise<void>[] = [];
    for (const item of items) {
      if (item.existing !== undefined) {
        out.push(this.records.get(item.existing) as ExecutionRecord);
        const inFlight = this.pendingSubmits.get(item.existing);
        if (inFlight !== undefined) waits.push(inFlight);
        continue;
      }
      this.shared.compact(item.record);
      this.index(item.record);
      this.stats.onCreated(item.record.status);
      created.push(item.record);
      out.push(item.record);
    }
    if (created.length > 0) await this.commitCreated(created);
    await Promise.all(waits);
    return out.map((r) => this.records.get(r.executionId) ?? r);
  }

  /** Commits new records; on success makes them live, on failure removes every trace of them. */
  private commitCreated(created: ExecutionRecord[]): Promise<void> {
    const epoch = this.epoch;
    const submitted = this.persist(this.store.submit(created));
    const done = submitted.then(
      () => {
        // A reload since then rebuilt these from the store (they committed): nothing left to do here.
        if (epoch !== this.epoch) return undefined;
        this.forgetPending(created, done);
        const commits: Promise<void>[] = [];
        for (const rec of created) this.goLive(rec, commits);
        this.flushWake();
        return Promise.all(commits).then(() => undefined);
      },
      (err: unknown) => {
        this.forgetPending(created, done);
        if (epoch === this.epoch) this.unindex(created);
        throw err;
      },
    );
    for (const rec of created) this.pendingSubmits.set(rec.executionId, done);
    return done;
  }

  private forgetPending(created: readonly ExecutionRecord[], done: Promise<void>): void {
    for (const rec of created) if (this.pendingSubmits.get(rec.executionId) === done) this.pendingSubmits = withoutKey(this.pendingSubmits, rec.executionId);
  }

  /** A committed submission: its events, then the queues (or its dependency failure). */
  private goLive(rec: ExecutionRecord, commits: Promise<void>[]): void {
    this.emit({
      type: 'submitted',
      executionId: rec.executionId,
      kind: rec.kind,
      dependencies: [...rec.dependencies],
      maxAttempts: maxFailedAttempts(rec.retry),
      priority: rec.priority,
      retry: { ...rec.retry },
      ...(rec.scheduledAt === undefined ? {} : { scheduledAt: rec.scheduledAt }),
    });
    const first = rec.statusHistory.at(0);
    this.emit({ type: 'status', executionId: rec.executionId, from: null, to: first?.status ?? rec.status, attempt: 0, reason: 'submitted' });
    if (isTerminal(rec.status)) return;
    const deps = this.dependencyStateOf(rec);
    if (rec.status === 'pending' && deps.state === 'failed') {
      const message = `dependency ${deps.dependency} ended ${deps.status}`;
      commits.push(this.finish(rec, 'failed', 'dependency_failed', { code: 'dependency_failed', message }).catch(() => {}));
    } else if (rec.status === 'pending' && deps.state === 'done') {
      commits.push(this.transition(rec, 'scheduled', 'dependencies_completed').catch(() => {}));
      this.enqueue(rec);
    } else {
      this.enqueue(rec);
    }
  }

  /**
   * Keeps an ended execution as one compact value (record-table.ts) once its ending committed and
   * nothing in flight refers to it: no commit or deferred event pending, no lease, timer or submission.
   */
  protected packIfSettled(rec: ExecutionRecord): void {
    const id = rec.executionId;
    if (!isTerminal(rec.status) || this.pendingCommits.has(id) || this.deferredEvents.has(id) || this.pendingSubmits.has(id)) return;
    if (this.leased.has(id) || this.timeouts.has(id) || this.pauseRequested.has(id)) return;
    const packed = this.records.pack(rec) ? this.records.view(id) : undefined;
    if (packed !== undefined) this.listing.replace(packed);
  }

  /** Refuses (429 rate_limited) a submission that would take unfinished executions past maxPending. */
  private assertQuota(adding: number): void {
    const max = this.config.maxPending;
    if (adding === 0 || max === Number.MAX_SAFE_INTEGER) return;
    const c = this.stats.byStatus;
    const pending = this.stats.total - c.completed - c.failed - c.cancelled - c.timeout;
    if (pending + adding <= max) return;
    throw Object.assign(
      new SquallError(ErrorCode.RateLimited, `${pending} executions are unfinished and ${adding} more would pass the limit of ${max} (maxPending); retry once some finish`),
      { retryAfterSec: 1 },
    );
  }

  /** Applies the retention policy (retention.ts) once; the engine runs it every retention.sweepMs. */
  protected applyRetention(): void {
    const policy = this.config.retention;
    if (policy === undefined || !this.health.ok || this.state !== 'running') return;
    const times: number[] = [];
    for (const rec of this.records.values()) if (isTerminal(rec.status) && rec.completedAt !== undefined) times.push(rec.completedAt);
    const cutoff = retentionCutoff(times, policy, this.clock.now());
    if (cutoff === undefined) return;
    this.pruneBefore(cutoff).catch((err: unknown) => this.logger.warn({ err }, 'engine: retention prune failed; retried at the next sweep'));
  }

  /** Forgets terminal executions completed before the cutoff (engine.ts prune). */
  protected abstract pruneBefore(completedBefore: number): Promise<number>;

  /** Removes records whose submission failed from every index: as if never submitted. */
  protected unindex(recs: readonly ExecutionRecord[]): void {
    const gone = new Set<ExecutionId>(recs.map((r) => r.executionId));
    for (const rec of recs) {
      const id = rec.executionId;
      if (this.records.get(id) !== rec) continue;
      this.dequeue(rec);
      this.records.delete(id);
      this.seqOf.delete(id);
      this.stats.onForgotten(rec);
      if (rec.idempotencyKey !== undefined && this.byKey.get(rec.idempotencyKey) === id) this.byKey.delete(rec.idempotencyKey);
      this.forgetDependent(rec);
    }
    this.listing.removeWhere((r) => gone.has(r.executionId));
  }

  /** Removes `rec` from the dependents lists of its dependencies (a list left empty goes): it was unindexed or pruned. */
  protected forgetDependent(rec: ExecutionRecord): void {
    for (const dep of rec.dependencies) {
      const list = this.dependents.get(dep);
      if (list === undefined) continue;
      const kept = list.filter((d) => d !== rec.executionId);
      if (kept.length === 0) this.dependents.delete(dep);
      else this.dependents.set(dep, kept);
    }
  }

  /** Loads the committed state into empty indexes and puts it back in motion (recovery.ts). */
  protected async loadFromStore(): Promise<void> {
    const loaded = await this.store.loadAll();
    loaded.sort((a, b) => (a.createdAt !== b.createdAt ? a.createdAt - b.createdAt : a.executionId < b.executionId ? -1 : 1));
    for (const rec of loaded) {
      this.shared.compact(rec);
      this.index(rec);
      this.stats.onRecovered(rec);
    }
    const now = this.clock.now();
    const commits: Promise<void>[] = [];
    for (const rec of loaded) this.recoverOne(rec, now, commits);
    for (const rec of loaded) if (isTerminal(rec.status)) this.packIfSettled(rec);
    await Promise.all(commits);
  }

  /** Puts one loaded execution back in motion (engine.ts). */
  protected abstract recoverOne(rec: ExecutionRecord, now: number, commits: Promise<void>[]): void;

  /** After the store recovered: drop the in-memory state and rebuild it from what committed. */
  protected async reloadFromStore(downMs: number): Promise<void> {
    if (this.state !== 'running') return;
    this.epoch++;
    const before = new Map<ExecutionId, ExecutionRecord>();
    for (const rec of this.records.records()) before.set(rec.executionId, rec);
    this.clearIndexes();
    await this.loadFromStore();
    let rolledBack = 0;
    for (const [id, old] of before) {
      const now = this.records.get(id);
      if (now?.status !== old.status || now.statusHistory.length !== old.statusHistory.length) rolledBack++;
      // A lease that never committed: its holder must stop.
      if (old.lease !== undefined && now?.lease?.token !== old.lease.token && !this.lostLeases.has(old.lease.token)) {
        this.dispatcher.abort(old.lease.workerId, id, old.lease.token, 'revoked');
      }
    }
    this.settleLeases(before);
    this.emit({ type: 'store_recovered', downMs, rolledBack });
    this.requestWake();
    // The wake runs after the health flag is back to ok (the assignment loop is asynchronous).
    this.wakeWanted = false;
    this.dispatcher.wake();
  }

  /**
   * A reload is not a restart: a lease that survived it keeps the expiry its
   * holder's heartbeats earned (not a fresh one, which would outlive a dead
   * holder by as long as the store kept failing), a lease lost before the
   * rollback is due now, and a lease memory had ended is unconfirmed. The
   * sweep after recovery loses them once due.
   */
  private settleLeases(before: ReadonlyMap<ExecutionId, ExecutionRecord>): void {
    const now = this.clock.now();
    const live = new Set<string>();
    for (const [id, rec] of this.leased) {
      const lease = rec.lease;
      if (lease === undefined) continue;
      live.add(lease.token);
      const old = before.get(id)?.lease;
      if (old?.token === lease.token) lease.expiresAt = Math.min(lease.expiresAt, old.expiresAt);
      else this.unconfirmed.add(lease.token);
      if (this.lostLeases.has(lease.token)) lease.expiresAt = Math.min(lease.expiresAt, now);
    }
    for (const set of [this.lostLeases, this.unconfirmed]) for (const token of set) if (!live.has(token)) set.delete(token);
  }

  private clearIndexes(): void {
    for (const t of this.timeouts.values()) t.cancel();
    this.timeouts.clear();
    for (const rec of this.leased.values()) this.breakers.onRelease(rec.kind, rec.executionId);
    for (const rec of this.records.records()) {
      this.dequeue(rec);
      this.stats.onUnloaded(rec);
    }
    this.records.clear();
    this.listing.removeWhere(() => true);
    this.seqOf.clear();
    this.byKey.clear();
    this.dependents.clear();
    this.leased.clear();
    this.byWorker.clear();
    this.pauseRequested.clear();
    this.recorded.clear();
    this.pendingSubmits.clear();
    this.dropDeferred();
  }
}
