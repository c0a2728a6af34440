/**
 * The coordinator's side of Engine (engine.ts): claims, started, checkpoint
 * and result reports fenced by lease token, lease renewal and the held-task
 * sync after a reconnect. Control operations: engine-control.ts.
 */
import { asExecutionId, type ExecutionId, type LeaseToken, newLeaseToken, type WorkerId } from '../core/ids.js';
import type {
  AssignmentSpec,
  ResultReport,
  ResultVerdict,
} from './contract.js';
import { CommittedCore } from './committed.js';
import { type CheckpointRecord, type ExecutionRecord, isTerminal } from '../core/model.js';

/** Outcomes by which a holder hands an attempt back without having run it, when it never started it. */
const UNSTARTED_HANDBACKS: ReadonlySet<string> = new Set(['revoked', 'paused', 'cancelled']);

/** The coordinator seam (EngineForCoordinator) on top of CommittedCore; extended by EngineControl and Engine. */
export abstract class EngineAttempts extends CommittedCore {
  /** Checkpoint writes in their commit window, by execution: a copy re-sent meanwhile waits for the verdict. */
  private readonly checkpointCommits = new Map<string, Promise<unknown>>();

  claimNext(workerId: WorkerId, kinds: ReadonlySet<string>): { assignment: AssignmentSpec; committed: Promise<void> } | undefined {
    this.assertRunning('claimNext');
    if (!this.health.ok || this.inFlight() >= this.config.maxConcurrentExecutions) return undefined;
    let rec: ExecutionRecord | undefined;
    for (;;) {
      const entry = this.pickReady(kinds);
      if (entry === undefined) return undefined;
      this.ready.remove(entry.id);
      rec = this.records.get(entry.id);
      if (this.claimable(rec)) break;
      this.logger.error({ executionId: entry.id, status: this.records.get(entry.id)?.status }, 'engine: ready queue held a non-claimable execution');
    }
    rec.attempts += 1;
    rec.nextRunAt = undefined;
    rec.lease = {
      workerId,
      token: newLeaseToken(this.random),
      attempt: rec.attempts,
      expiresAt: this.clock.now() + this.config.leaseMs,
    };
    this.trackLease(rec);
    this.breakers.onClaim(rec.kind, rec.executionId);
    const claimed = { type: 'claimed' as const, ...this.leaseFields(rec) };
    this.defer(rec.checkpoint === undefined ? claimed : { ...claimed, checkpointSeq: rec.checkpoint.seq });
    if (rec.checkpoint !== undefined) this.marks.hit('engine.checkpoint-handed-over');
    const committed = this.transition(rec, 'preparing', this.shared.claimedBy(workerId));
    this.armTimeout(rec);
    this.runHooks(this.preHooks, rec);
    const assignment: AssignmentSpec = {
      executionId: rec.executionId,
      attempt: rec.lease.attempt,
      leaseToken: rec.lease.token,
      kind: rec.kind,
      params: rec.params,
      timeoutMs: rec.timeoutMs,
      checkpoint: rec.checkpoint === undefined ? undefined : { seq: rec.checkpoint.seq, state: rec.checkpoint.state },
    };
    return { assignment, committed };
  }

  async onStarted(executionId: ExecutionId, _attempt: number, leaseToken: LeaseToken): Promise<void> {
    const rec = this.records.get(executionId);
    if (rec === undefined) return;
    if (rec.lease?.token !== leaseToken || rec.status !== 'preparing') {
      // Ignored (a lease that ended, or a re-sent copy), and acknowledged: only against committed state.
      this.assertWritable('started');
      await this.committedState(executionId);
      return;
    }
    this.assertWritable('started');
    rec.startedAt = this.clock.now();
    this.armTimeout(rec);
    await this.transition(rec, 'running', undefined);
  }

  async onCheckpoint(
    executionId: ExecutionId,
    _attempt: number,
    leaseToken: LeaseToken,
    checkpoint: Omit<CheckpointRecord, 'attempt' | 'at'>,
  ): Promise<'saved' | 'stale'> {
    const rec = this.records.get(executionId);
    if (rec === undefined) return 'stale';
    // While the store is failing, memory may hold changes the reload rolls back: no 'stale' verdict (an ack) against them.
    this.assertWritable('checkpoint');
    if (rec.lease?.token !== leaseToken) {
      if (rec.lease !== undefined) this.marks.hit('engine.stale-checkpoint-fenced');
      // Stale against a lease change still in its commit window only once it committed (a crash would undo it).
      await this.committedState(executionId);
      return 'stale';
    }
    if (rec.checkpoint !== undefined && checkpoint.seq <= rec.checkpoint.seq) {
      // Stale against a checkpoint still in its commit window only once it committed (if it fails, neither is acked).
      await this.checkpointCommits.get(executionId);
      return 'stale';
    }
    const cp: CheckpointRecord = { seq: checkpoint.seq, state: checkpoint.state, attempt: rec.lease.attempt, at: this.clock.now() };
    rec.checkpoint = cp;
    const commit = this.persist(this.store.saveCheckpoint(executionId, cp));
    this.checkpointCommits.set(executionId, commit);
    try {
      await commit;
    } finally {
      if (this.checkpointCommits.get(executionId) === commit) this.checkpointCommits.delete(executionId);
    }
    this.emit({ type: 'checkpoint_saved', executionId, seq: cp.seq, attempt: cp.attempt, acceptedAt: cp.at });
    return 'saved';
  }

  async onResult(report: ResultReport): Promise<ResultVerdict> {
    const rec = this.records.get(report.executionId);
    const rejected = (reason: 'stale' | 'duplicate' | 'unknown'): void =>
      this.emit({
        type: 'result_rejected',
        executionId: report.executionId,
        leaseToken: report.leaseToken,
        attempt: report.attempt,
        reason,
      });
    if (rec === undefined) {
      rejected('unknown');
      return 'stale';
    }
    if (rec.lease?.token !== report.leaseToken) {
      const commit = this.recorded.get(report.leaseToken);
      if (commit !== undefined) {
        // Acknowledged as a duplicate only once the original committed; if it failed, neither is acknowledged.
        this.assertWritable('result');
        await commit;
        rejected('duplicate');
        this.marks.hit('engine.duplicate-result-ignored');
        return 'duplicate';
      }
      // Fenced against a lease change still in its commit window only once it committed (a crash would undo it).
      this.assertWritable('result');
      await this.committedState(report.executionId);
      rejected('stale');
      this.marks.hit('engine.stale-result-fenced');
      return 'stale';
    }
    this.assertWritable('result');
    if (report.started === true && rec.status === 'preparing') {
      // The start folded into the result: recorded as an interim step, committed with the outcome.
      rec.startedAt = this.clock.now();
      void this.transition(rec, 'running', undefined, 'interim');
      this.marks.hit('engine.started-folded');
    }
    // A hand-back of an attempt its holder never started (a refusal at capacity, a pause or cancel
    // before the start) ran nothing: its number is given back to the next claim (its lease token stays spent).
    if (rec.status === 'preparing' && UNSTARTED_HANDBACKS.has(report.outcome)) rec.attempts -= 1;
    const p = this.recordOutcome(rec, report.outcome, report.result, report.error);
    this.flushWake();
    await p;
    return 'recorded';
  }

  renewLeases(workerId: WorkerId): void {
    const ids = this.byWorker.get(workerId);
    if (ids === undefined) return;
    const now = this.clock.now();
    const expiresAt = now + this.config.leaseMs;
    for (const id of ids) {
      const rec = this.records.get(id);
      const lease = rec?.lease;
      // A lost lease stays due: a worker of the same id (a new process, or one told to abort) does not hold it.
      if (lease === undefined || this.lostLeases.has(lease.token) || this.unconfirmed.has(lease.token)) continue;
      lease.expiresAt = expiresAt;
      if (rec?.status === 'running' && rec.startedAt !== undefined && now - rec.startedAt > this.config.leaseMs) this.marks.hit('engine.lease-renewed-long');
    }
  }

  syncHeldTasks(
    workerId: WorkerId,
    held: readonly { executionId: string; attempt: number; leaseToken: string; state: 'running' | 'finished' }[],
  ): { confirm: ExecutionId[]; revoke: { executionId: ExecutionId; reason: string }[] } {
    const confirm: ExecutionId[] = [];
    const revoke: { executionId: ExecutionId; reason: string }[] = [];
    const heldIds = new Set<string>();
    const expiresAt = this.clock.now() + this.config.leaseMs;
    for (const h of held) {
      const id = asExecutionId(h.executionId);
      heldIds.add(id);
      const rec = this.records.get(id);
      if (rec === undefined) revoke.push({ executionId: id, reason: 'unknown' });
      else if (rec.lease?.token === h.leaseToken && this.lostLeases.has(rec.lease.token)) {
        // Lost before a store failure rolled the loss back: the holder was told to abort.
        revoke.push({ executionId: id, reason: 'lease_expired' });
        this.loseLease(rec, 'lease_expired');
      } else if (rec.lease?.token === h.leaseToken && rec.lease.workerId === workerId) {
        rec.lease.expiresAt = expiresAt;
        this.unconfirmed.delete(rec.lease.token);
        confirm.push(id);
      } else if (isTerminal(rec.status)) revoke.push({ executionId: id, reason: 'terminal' });
      else if (rec.lease !== undefined) revoke.push({ executionId: id, reason: 'superseded' });
      else revoke.push({ executionId: id, reason: 'lease_expired' });
    }
    // Leases the worker does not report are lost with its state: re-queue them now.
    for (const id of [...(this.byWorker.get(workerId) ?? [])]) {
      if (heldIds.has(id)) continue;
      const rec = this.records.get(id);
      if (rec !== undefined) this.loseLease(rec, 'not_held_after_sync');
    }
    this.flushWake();
    return { confirm, revoke };
  }

  leasesOf(workerId: WorkerId): number {
    return this.byWorker.get(workerId)?.size ?? 0;
  }

  /** The live record (read-only by contract: don't mutate); getExecution returns a copy. */
  get(executionId: ExecutionId): ExecutionRecord | undefined {
    return this.records.get(executionId);
  }

}
