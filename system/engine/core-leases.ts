/**
 * The middle layer of the engine's state machine (see core.ts): leases and
 * their sweep, coordinator-side timeouts, the ready and delay queues, and
 * wakes. Outcomes and endings (core.ts) build on it.
 */
import { type ExecutionId } from '../core/ids.js';
import type { ResultOutcome } from './contract.js';
import { type ExecutionRecord } from '../core/model.js';
import { type ReadyEntry } from './ready-queue.js';
import { EngineState, type ErrorInfo } from './core-state.js';

/** Leases, timeouts, queues and wakes on top of EngineState; extended by EngineCore. */
export abstract class EngineLeases extends EngineState {
  /** Applies the outcome of the current lease (core.ts). */
  protected abstract recordOutcome(rec: ExecutionRecord, outcome: ResultOutcome, result: unknown, error: ErrorInfo | undefined): Promise<void>;

  /** Claimed-but-unfinished executions, counted from the moment of the claim (not the start). */
  protected inFlight(): number {
    return this.leased.size;
  }

  /** The best ready execution among `kinds` whose breaker lets it through. */
  protected pickReady(kinds: ReadonlySet<string>): ReadyEntry | undefined {
    return this.ready.best(kinds, (kind) => this.breakerAllows(kind));
  }

  protected breakerAllows(kind: string): boolean {
    return this.breakers.canPass(kind);
  }

  /** Second line of the double-claim guard: only an unleased scheduled/retrying execution may be claimed. */
  protected claimable(rec: ExecutionRecord | undefined): rec is ExecutionRecord {
    return rec !== undefined && (rec.status === 'scheduled' || rec.status === 'retrying') && rec.lease === undefined;
  }


  /** The lease is gone without an outcome (expired, or not held after sync): abort it and re-queue (or pause). */
  protected loseLease(rec: ExecutionRecord, reason: string): void {
    const lease = rec.lease;
    if (lease === undefined) return;
    // While the store is failing (only a sync lands here then) nothing changes, but heartbeats of the
    // same worker id no longer renew the lease: it expires one lease period after its last renewal
    // unless a sync confirms it or a re-sent result (a resumed holder) records it after recovery.
    if (!this.health.ok) {
      this.unconfirmed.add(lease.token);
      return;
    }
    const told = this.lostLeases.has(lease.token);
    this.lostLeases.add(lease.token);
    this.defer({ type: 'lease_expired', ...this.leaseFields(rec) });
    this.marks.hit('engine.lease-expired');
    const pause = this.pauseRequested.has(rec.executionId);
    this.dropLease(rec, reason);
    const requeued = this.transition(rec, pause ? 'paused' : 'scheduled', reason).then(() => {
      this.lostLeases.delete(lease.token);
    });
    this.background(requeued, 'requeue');
    this.enqueue(rec);
    // Once per lease: a loss redone after a rollback must not re-send an abort the worker acknowledged.
    if (!told) this.dispatcher.abort(lease.workerId, rec.executionId, lease.token, 'revoked');
  }

  protected sweepLeases(): void {
    if (!this.health.ok || this.state !== 'running') return;
    const now = this.clock.now();
    const expired: ExecutionRecord[] = [];
    for (const rec of this.leased.values()) if ((rec.lease?.expiresAt ?? 0) <= now) expired.push(rec);
    for (const rec of expired) this.loseLease(rec, 'lease_expired');
    this.flushWake();
  }

  protected trackLease(rec: ExecutionRecord): void {
    const lease = rec.lease as NonNullable<ExecutionRecord['lease']>;
    this.leased.set(rec.executionId, rec);
    let set = this.byWorker.get(lease.workerId);
    if (set === undefined) {
      set = new Set();
      this.byWorker.set(lease.workerId, set);
    }
    set.add(rec.executionId);
  }

  /** Releases the current lease (slot, timer, breaker trial); later results with its token are stale. */
  protected dropLease(rec: ExecutionRecord, reason: string): void {
    const lease = rec.lease;
    if (lease === undefined) return;
    const fields = this.leaseFields(rec);
    rec.lease = undefined;
    const id = rec.executionId;
    this.leased.delete(id);
    const set = this.byWorker.get(lease.workerId);
    set?.delete(id);
    if (set?.size === 0) this.byWorker.delete(lease.workerId);
    this.timeouts.get(id)?.cancel();
    this.timeouts.delete(id);
    this.breakers.onRelease(rec.kind, id);
    this.pauseRequested.delete(id);
    // An unconfirmed mark is read only while its lease lives (a rollback's reload marks it again).
    this.unconfirmed.delete(lease.token);
    this.defer({ type: 'lease_released', ...fields, reason });
    this.requestWake();
  }

  /**
   * Resolves once the execution's latest status change committed (at once if
   * none is pending); rejects if it failed. A verdict that refuses a worker's
   * message against in-memory state (a started, checkpoint or result for a
   * lease that just ended) waits for it: the coordinator acknowledges the
   * message with the verdict, and a crash inside the commit window would
   * otherwise leave an acknowledged message judged against a change the
   * store never kept (the lease is live again after the restart).
   */
  protected committedState(id: ExecutionId): Promise<void> {
    return this.pendingCommits.get(id) ?? Promise.resolve();
  }

  /**
   * Coordinator-side timeout: timeoutMs + grace after the attempt was claimed or started.
   * `since`: when that was, for a timer armed later (a store reload keeps the deadline the
   * attempt already had; one that passed while the store failed is due at once).
   */
  protected armTimeout(rec: ExecutionRecord, since?: number): void {
    const id = rec.executionId;
    this.timeouts.get(id)?.cancel();
    this.timeouts.delete(id);
    const lease = rec.lease;
    if (rec.timeoutMs === undefined || lease === undefined || this.state === 'closed') return;
    const token = lease.token;
    const elapsed = since === undefined ? 0 : Math.max(0, this.clock.now() - since);
    const ms = Math.max(0, rec.timeoutMs + this.config.timeoutGraceMs - elapsed);
    this.timeouts.set(
      id,
      this.clock.setTimeout(() => {
        this.timeouts.delete(id);
        const current = this.records.get(id);
        if (current?.lease?.token !== token || !this.health.ok) return;
        const workerId = current.lease.workerId;
        this.marks.hit('engine.timeout-enforced');
        const error = { code: 'timeout', message: `the attempt exceeded timeoutMs ${rec.timeoutMs} (+${this.config.timeoutGraceMs} ms grace)` };
        this.background(this.recordOutcome(current, 'timeout', undefined, error), 'timeout');
        this.dispatcher.abort(workerId, id, token, 'timeout');
        this.flushWake();
      }, ms),
    );
  }

  /** Puts a scheduled/retrying execution in the ready queue, or the delay queue if it is not due yet. */
  protected enqueue(rec: ExecutionRecord): void {
    if ((rec.status !== 'scheduled' && rec.status !== 'retrying') || rec.lease !== undefined) return;
    // Not dispatchable before its submission committed (submit() enqueues it then).
    if (this.pendingSubmits.has(rec.executionId)) return;
    const due = rec.nextRunAt ?? rec.scheduledAt;
    if (due !== undefined && due > this.clock.now()) {
      this.delayed.schedule(rec.executionId, due);
      return;
    }
    if (this.ready.push(rec.executionId, rec.kind, rec.priority, this.seqOf.get(rec.executionId) ?? 0)) this.requestWake();
  }

  protected dequeue(rec: ExecutionRecord): void {
    this.ready.remove(rec.executionId);
    this.delayed.remove(rec.executionId);
  }

  protected onDue(id: ExecutionId): void {
    const rec = this.records.get(id);
    if (rec === undefined || (rec.status !== 'scheduled' && rec.status !== 'retrying') || rec.lease !== undefined) return;
    if (this.ready.push(id, rec.kind, rec.priority, this.seqOf.get(id) ?? 0)) this.requestWake();
    this.flushWake();
  }

  protected requestWake(): void {
    this.wakeWanted = true;
  }

  /** One wake per public operation, however many executions became ready. */
  protected flushWake(): void {
    if (!this.wakeWanted || this.state !== 'running') return;
    this.wakeWanted = false;
    try {
      this.dispatcher.wake();
    } catch (err) {
      this.logger.error({ err }, 'engine: dispatcher.wake threw');
    }
  }

  protected leaseFields(rec: ExecutionRecord): { executionId: string; workerId: string; attempt: number; leaseToken: string } {
    const lease = rec.lease as NonNullable<ExecutionRecord['lease']>;
    return { executionId: rec.executionId, workerId: lease.workerId, attempt: lease.attempt, leaseToken: lease.token };
  }
}
