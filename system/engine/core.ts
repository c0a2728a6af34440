/**
 * The engine's state machine, shared by every public entry point (engine.ts):
 * the authoritative in-memory records and their indexes, THE transition
 * function, outcomes and retries, terminal endings with the dependency
 * cascade, leases and their sweep, coordinator-side timeouts, the ready and
 * delay queues, wakes, hooks and events. Engine (engine.ts) adds the public
 * API on top. Protected methods are the seams the regression tests override
 * to build deliberately broken variants. Layers: EngineState (core-state.ts:
 * records, store writes, transition, events) < EngineLeases (core-leases.ts:
 * leases, timeouts, queues, wakes) < EngineCore (here: outcomes, retries,
 * endings and the dependency cascade, hooks).
 */
import { ErrorCode, IllegalStateError, NotFoundError, SquallError } from '../core/errors.js';
import { asExecutionId, type ExecutionId, type LeaseToken } from '../core/ids.js';
import type { ExecutionHook, ResultOutcome } from './contract.js';
import { type ExecutionRecord, isTerminal } from '../core/model.js';
import { failedAttempts, snapshot } from './records.js';
import { type DependencyState, dependencyState } from './recovery.js';
import { maxFailedAttempts, retryDelayMs, shouldRetry } from './retry.js';
import { EngineLeases } from './core-leases.js';
import type { ErrorInfo, FinishWork, TerminalStatus } from './core-state.js';

export type { EngineDeps, ErrorInfo, FinishWork, TerminalStatus } from './core-state.js';

const noop = (): void => {};
const RECORDED_TOKENS_KEPT = 200_000;
const NO_IDS: readonly ExecutionId[] = [];

/** The full state machine: outcomes, retries and terminal endings with the dependency cascade, over EngineLeases. */
export abstract class EngineCore extends EngineLeases {
  /** Applies the outcome of the current lease. Synchronous state change; returns the commit. */
  protected recordOutcome(rec: ExecutionRecord, outcome: ResultOutcome, result: unknown, error: ErrorInfo | undefined): Promise<void> {
    const fields = this.leaseFields(rec);
    const id = rec.executionId;
    // Goes out with the outcome's first committed transition, before any later claim's events.
    this.defer({ type: 'result_recorded', ...fields, outcome });
    let p: Promise<void>;
    switch (outcome) {
      case 'completed':
        this.breakers.onSuccess(rec.kind, id);
        rec.result = result;
        rec.error = undefined;
        p = this.finish(rec, 'completed', 'completed');
        break;
      case 'failed':
      case 'timeout':
        this.breakers.onFailure(rec.kind, id);
        rec.error = error ?? (outcome === 'timeout' ? { code: 'timeout', message: 'the attempt timed out' } : { code: 'task_failed', message: 'the attempt failed' });
        p = this.failAttempt(rec, outcome);
        break;
      case 'paused':
        this.dropLease(rec, 'paused');
        p = this.transition(rec, 'paused', rec.checkpoint === undefined ? 'paused' : `paused at checkpoint ${rec.checkpoint.seq}`);
        break;
      case 'cancelled':
        p = this.finish(rec, 'cancelled', 'cancelled by worker', error ?? { code: 'cancelled', message: 'cancelled by worker' });
        break;
      case 'revoked': {
        const pause = this.pauseRequested.has(id);
        this.dropLease(rec, 'revoked');
        p = this.transition(rec, pause ? 'paused' : 'scheduled', 'revoked');
        this.enqueue(rec);
        break;
      }
      default: {
        const never: never = outcome;
        throw new SquallError(ErrorCode.InvalidArgument, `unknown outcome ${String(never)}`);
      }
    }
    this.recorded.set(fields.leaseToken as LeaseToken, p);
    if (this.recorded.size > RECORDED_TOKENS_KEPT) {
      const oldest = this.recorded.keys().next();
      if (oldest.done !== true) this.recorded.delete(oldest.value);
    }
    return p;
  }

  /** A failed or timed-out attempt: retry per policy (interim entry + retrying), or end the execution. */
  protected failAttempt(rec: ExecutionRecord, outcome: 'failed' | 'timeout'): Promise<void> {
    const failures = failedAttempts(rec) + 1;
    const why = `${outcome === 'timeout' ? 'attempt timed out' : 'attempt failed'}: ${rec.error?.code ?? outcome}`;
    if (!shouldRetry(rec.retry, failures)) return this.finish(rec, outcome, why);
    const delay = retryDelayMs(rec.retry, failures);
    const pause = this.pauseRequested.has(rec.executionId);
    this.dropLease(rec, outcome);
    this.transition(rec, outcome, why, 'interim').catch(noop);
    rec.nextRunAt = this.clock.now() + delay;
    if (delay > 0) this.marks.hit('engine.retry-delay-scheduled');
    const p = this.transition(rec, 'retrying', `retry ${failures} of ${maxFailedAttempts(rec.retry) - 1} in ${delay}ms`);
    if (!pause) {
      this.enqueue(rec);
      return p;
    }
    // A pause requested during the attempt still holds: the retry waits for resume.
    rec.nextRunAt = undefined;
    return Promise.all([p, this.transition(rec, 'paused', 'pause requested')]).then(noop);
  }

  /**
   * Ends an execution and, transitively, every unfinished dependent of an
   * unsuccessful one (failed, reason dependency_failed). Completion makes
   * dependents whose dependencies are all done ready. Iterative, so long
   * chains can't overflow the stack. Holders of ended leases are told to
   * abort ('cancel'): dependents always, `rec` itself if abortHolder.
   */
  protected finish(rec: ExecutionRecord, to: TerminalStatus, reason: string, error?: ErrorInfo, abortHolder = false): Promise<void> {
    const commits: Promise<void>[] = [];
    const work: FinishWork[] = [{ rec, to, reason, error }];
    const aborts: { rec: ExecutionRecord; lease: NonNullable<ExecutionRecord['lease']> }[] = [];
    for (let i = 0; i < work.length; i++) {
      const w = work[i] as FinishWork;
      const r = w.rec;
      if (isTerminal(r.status)) continue;
      if (r.lease !== undefined) {
        if (i > 0 || abortHolder) aborts.push({ rec: r, lease: r.lease });
        this.dropLease(r, w.to);
      }
      this.dequeue(r);
      this.pauseRequested.delete(r.executionId);
      if (w.error !== undefined) r.error = w.error;
      r.completedAt = this.clock.now();
      r.nextRunAt = undefined;
      const committed = this.transition(r, w.to, w.reason);
      // Hooks see the ended execution once its ending committed.
      const view = this.postHooks.length === 0 ? undefined : snapshot(r);
      commits.push(view === undefined ? committed : committed.then(() => this.runHooks(this.postHooks, view)));
      for (const depId of this.dependents.get(r.executionId) ?? NO_IDS) {
        const d = this.records.live(depId); // a packed one ended
        if (d !== undefined && !isTerminal(d.status)) this.dependencyEnded(d, r, work, commits, committed);
      }
    }
    // Abort after the state change: a dispatcher that calls back at once finds the lease already gone.
    for (const { rec: r, lease } of aborts) {
      if (r === rec && to === 'cancelled') this.marks.hit('engine.cancel-running');
      this.dispatcher.abort(lease.workerId, r.executionId, lease.token, 'cancel');
    }
    // One ending (the common case): its own commit, without Promise.all's promises.
    return commits.length === 1 ? (commits[0] as Promise<void>) : Promise.all(commits).then(noop);
  }

  /**
   * A dependency of `dependent` ended: completed → ready it if all its
   * dependencies are done; anything else → queue it to fail (dependency_failed).
   */
  protected dependencyEnded(
    dependent: ExecutionRecord,
    dependency: ExecutionRecord,
    work: FinishWork[],
    commits: Promise<void>[],
    dependencyCommitted: Promise<void> = Promise.resolve(),
  ): void {
    if (dependency.status !== 'completed') {
      const message = `dependency ${dependency.executionId} ended ${dependency.status}`;
      work.push({ rec: dependent, to: 'failed', reason: 'dependency_failed', error: { code: 'dependency_failed', message } });
    } else if (dependent.status === 'pending' && this.dependencyStateOf(dependent).state === 'done') {
      const scheduled = this.transition(dependent, 'scheduled', 'dependencies_completed');
      commits.push(scheduled);
      // Dispatchable only once the dependency's completion (and this change) committed.
      const epoch = this.epoch;
      Promise.all([dependencyCommitted, scheduled]).then(() => {
        if (epoch !== this.epoch) return;
        this.enqueue(dependent);
        this.flushWake();
      }, noop);
    }
  }

  /**
   * Whether `rec`'s dependencies all completed, one ended unsuccessfully
   * (failed, timeout or cancelled) or some are still going: the judgement a
   * submission, a resume and recovery make of an execution whose
   * dependencies may have ended before it was looked at, and the live
   * cascade's (dependencyEnded) "all done?" once one completed. A dependency
   * the engine no longer knows was pruned after it completed (retention
   * keeps what a live dependent needs in memory, but the store forgets it,
   * so a recovered dependent finds it gone): it counts as completed.
   */
  protected dependencyStateOf(rec: ExecutionRecord): DependencyState {
    return dependencyState(rec, (id) => this.records.view(id));
  }

  protected runHooks(hooks: readonly ExecutionHook[], rec: ExecutionRecord): void {
    if (hooks.length === 0) return;
    const view = snapshot(rec);
    for (const hook of hooks) {
      try {
        const r = hook(view);
        if (r instanceof Promise) r.catch((err: unknown) => this.logger.warn({ err, executionId: rec.executionId }, 'engine: hook failed'));
      } catch (err) {
        this.logger.warn({ err, executionId: rec.executionId }, 'engine: hook threw');
      }
    }
  }

  protected mustGet(executionId: string): ExecutionRecord {
    const rec = this.records.get(asExecutionId(executionId));
    if (rec === undefined) throw new NotFoundError(`no execution ${JSON.stringify(executionId)}`);
    return rec;
  }

  protected assertRunning(what: string): void {
    if (this.state === 'running') return;
    throw new IllegalStateError(
      this.state === 'closed' ? `Engine.${what}: the engine is closed` : `Engine.${what}: call and await recover() first (engine is ${this.state})`,
    );
  }
}