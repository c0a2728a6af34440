/**
 * Broken engine pieces for the engine-feature promises (issue 10), built only
 * here and wired in through SimWiring (tests/sim/broken-variants-engine.test.ts).
 * Each is a defect a developer could really commit; none is a switch in
 * production code.
 */
import type { Dispatcher, ResultReport } from '../../../system/engine/contract.js';
import { Engine } from '../../../system/engine/engine.js';
import type { Priority } from '../../../system/core/model.js';
import { ReadyQueue } from '../../../system/engine/ready-queue.js';
import type { ExecutionId } from '../../../system/core/ids.js';
import type { Clock, TimerHandle } from '../../../system/core/clock.js';
import { DelayQueue } from '../../../system/engine/delay-queue.js';
import { snapshot } from '../../../system/engine/records.js';

/** The ready queue forgets priorities: everything is queued as medium, so it runs in submission order. */
class PriorityBlindQueue extends ReadyQueue {
  override push(id: ExecutionId, kind: string, _priority: Priority, seq: number): boolean {
    return super.push(id, kind, 'medium', seq);
  }
}

export class PriorityBlindEngine extends Engine {
  protected override createReadyQueue(): ReadyQueue {
    return new PriorityBlindQueue();
  }
}

/** Aborts for these reasons are never dispatched: the coordinator's records change, the worker runs on. */
function droppingAborts(reasons: readonly string[]): typeof Engine {
  return class extends Engine {
    override setDispatcher(d: Dispatcher): void {
      super.setDispatcher({ abort: (w, e, t, r) => (reasons.includes(r) ? undefined : d.abort(w, e, t, r)), wake: () => d.wake() });
    }
  };
}
export const CancelNotDispatchedEngine = droppingAborts(['cancel']);
export const PauseNotDispatchedEngine = droppingAborts(['pause']);

/** Idempotency keys ignored: every submission makes a new execution. */
export class KeylessEngine extends Engine {
  // submitTask: what POST /api/v1/executions (and scheduleTask) call.
  override submitTask(spec: Parameters<Engine['submitTask']>[0]): ReturnType<Engine['submitTask']> {
    const { idempotencyKey: _dropped, ...rest } = spec;
    return super.submitTask(rest);
  }
}

/** The assignment carries timeoutMs converted with the wrong factor (seconds ↔ ms). */
function timeoutScaled(factor: number): typeof Engine {
  return class extends Engine {
    override claimNext(...args: Parameters<Engine['claimNext']>): ReturnType<Engine['claimNext']> {
      const claim = super.claimNext(...args);
      const t = claim?.assignment.timeoutMs;
      if (claim !== undefined && t !== undefined) claim.assignment.timeoutMs = Math.max(1, Math.round(t * factor));
      return claim;
    }
  };
}
/** timeoutMs sent as seconds to a worker that reads ms: the attempt is aborted almost at once. */
export const TimeoutInSecondsEngine = timeoutScaled(1 / 1000);
/** timeoutMs multiplied as if it were seconds: only the coordinator's grace timer ends the attempt. */
export const TimeoutTimesThousandEngine = timeoutScaled(1000);

/** The claim says which checkpoint the attempt resumes from, but the assignment leaves it out. */
export class CheckpointDroppingEngine extends Engine {
  override claimNext(...args: Parameters<Engine['claimNext']>): ReturnType<Engine['claimNext']> {
    const claim = super.claimNext(...args);
    if (claim !== undefined) claim.assignment.checkpoint = undefined;
    return claim;
  }
}

/** Only a `failed` dependency fails its dependents; a timed-out or cancelled one leaves them pending forever. */
export class OnlyFailedPropagatesEngine extends Engine {
  protected override dependencyEnded(...args: Parameters<Engine['dependencyEnded']>): void {
    const status = args[1].status;
    if (status === 'completed' || status === 'failed') super.dependencyEnded(...args);
  }
}

/** Retry delays ignored: a failed attempt is queued again at once, whatever its strategy says. */
export class NoRetryDelayEngine extends Engine {
  protected override enqueue(rec: Parameters<Engine['enqueue']>[0]): void {
    if (rec.status === 'retrying') rec.nextRunAt = undefined;
    super.enqueue(rec);
  }
}

/** Recovery forgets when a waiting retry is due: after a restart, work waiting on a retry delay runs at once. */
export class RetryDueForgottenEngine extends Engine {
  protected override recoverOne(...args: Parameters<Engine['recoverOne']>): void {
    const rec = args[0];
    if (rec.status === 'retrying') rec.nextRunAt = undefined;
    super.recoverOne(...args);
  }
}

/**
 * Acknowledges before the store commit: onResult and onCheckpoint answer at
 * once and commit in the background, so the coordinator acks a worker's
 * result or checkpoint while its write is still in the commit window (promise 20).
 */
export class AckBeforeCommitEngine extends Engine {
  override onResult(report: ResultReport): ReturnType<Engine['onResult']> {
    super.onResult(report).catch(() => undefined);
    return Promise.resolve('recorded');
  }

  override onCheckpoint(...args: Parameters<Engine['onCheckpoint']>): ReturnType<Engine['onCheckpoint']> {
    super.onCheckpoint(...args).catch(() => undefined);
    return Promise.resolve('saved');
  }
}

/** Only results are acknowledged before their commit (checkpoints as the real engine): promise 20 on results alone. */
export class ResultAckBeforeCommitEngine extends Engine {
  override onResult(report: ResultReport): ReturnType<Engine['onResult']> {
    super.onResult(report).catch(() => undefined);
    return Promise.resolve('recorded');
  }
}

/** A worker's `started` is answered at once and committed in the background: acked while the running status may still be lost (promise 20). */
export class StartedAckBeforeCommitEngine extends Engine {
  override onStarted(...args: Parameters<Engine['onStarted']>): ReturnType<Engine['onStarted']> {
    super.onStarted(...args).catch(() => undefined);
    return Promise.resolve();
  }
}

/** Forgets the keys it has seen before each submission: a repeat trips the store's unique key index and is refused (409). */
export class ForgetfulKeysEngine extends Engine {
  override submitTask(spec: Parameters<Engine['submitTask']>[0]): ReturnType<Engine['submitTask']> {
    this.byKey.clear();
    return super.submitTask(spec);
  }
}

/**
 * A failed checkpoint write logged and acknowledged anyway: the engine's store
 * swallows saveCheckpoint failures (log and go on), so the engine announces
 * checkpoint_saved and the coordinator acks a checkpoint the disk refused.
 */
export class AckFailedCheckpointEngine extends Engine {
  constructor(...[deps, config]: ConstructorParameters<typeof Engine>) {
    const store = deps.store;
    const saveCheckpoint: typeof store.saveCheckpoint = (id, cp) =>
      store.saveCheckpoint(id, cp).catch((err: unknown) => deps.logger.error({ err, executionId: id }, 'checkpoint write failed; going on'));
    super({ ...deps, store: Object.assign(Object.create(store) as typeof store, { saveCheckpoint }) }, config);
  }
}

/** The ready queue serves the first of the worker's kinds that has work: a critical task of another kind waits behind it (class 26). */
class FirstKindQueue extends ReadyQueue {
  override best(kinds: Iterable<string>, allow: (kind: string) => boolean): ReturnType<ReadyQueue['best']> {
    for (const kind of kinds) {
      const head = super.best([kind], allow);
      if (head !== undefined) return head;
    }
    return undefined;
  }
}

export class FirstKindWinsEngine extends Engine {
  protected override createReadyQueue(): ReadyQueue {
    return new FirstKindQueue();
  }
}

/**
 * A delay queue that keeps its timer when a new entry is due earlier: the
 * timer is armed only when none is, so a short retry scheduled behind a
 * longer one waits for the longer one's timer (class 28).
 */
class StickyTimerDelayQueue extends DelayQueue {
  private readonly dueAt = new Map<ExecutionId, number>();
  private armed: TimerHandle | undefined;
  private shut = false;

  constructor(
    private readonly clk: Clock,
    private readonly due: (id: ExecutionId) => void,
  ) {
    super(clk, due);
  }

  override get size(): number {
    return this.dueAt.size;
  }

  override has(id: ExecutionId): boolean {
    return this.dueAt.has(id);
  }

  override schedule(id: ExecutionId, at: number): void {
    this.dueAt.set(id, at);
    if (this.armed === undefined) this.rearm();
  }

  override remove(id: ExecutionId): boolean {
    return this.dueAt.delete(id);
  }

  override close(): void {
    this.shut = true;
    this.armed?.cancel();
  }

  private rearm(): void {
    this.armed = undefined;
    const next = Math.min(...this.dueAt.values());
    if (this.shut || next === Infinity) return;
    this.armed = this.clk.setTimeout(() => this.fireDue(), Math.max(0, next - this.clk.now()));
  }

  private fireDue(): void {
    const now = this.clk.now();
    const ready = [...this.dueAt].filter(([, at]) => at <= now).map(([id]) => id);
    for (const id of ready) this.dueAt.delete(id);
    for (const id of ready) this.due(id);
    this.rearm();
  }
}

export class StickyDelayTimerEngine extends Engine {
  protected override createDelayQueue(onDue: (id: ExecutionId) => void): DelayQueue {
    return new StickyTimerDelayQueue(this.clock, onDue);
  }
}

/** Resume schedules a paused execution whatever its dependencies say: a dependent paused while pending runs before its root completed (class 37). */
export class ResumeIgnoresDependenciesEngine extends Engine {
  override async resumeExecution(executionId: string): ReturnType<Engine['resumeExecution']> {
    const rec = this.records.get(executionId as ExecutionId);
    if (rec?.status !== 'paused') return super.resumeExecution(executionId);
    this.assertWritable('resume');
    rec.nextRunAt = undefined;
    const p = this.transition(rec, 'scheduled', 'resumed');
    this.enqueue(rec);
    this.flushWake();
    await p;
    return snapshot(rec);
  }
}

/**
 * A repeat of a keyed submission still in its commit window is answered at
 * once with the original's execution, without waiting for the commit: a crash
 * in the window leaves an acknowledged execution that never existed (class 32).
 */
export class RepeatBeforeCommitEngine extends Engine {
  protected override submit(...args: Parameters<Engine['submit']>): ReturnType<Engine['submit']> {
    for (const item of args[0]) if (item.existing !== undefined) this.pendingSubmits.delete(item.existing);
    return super.submit(...args);
  }
}

/** Recovery indexes the loaded executions newest first: FIFO among equal priorities is reversed after a restart (set-4 04). */
export class RecoveryReversesFifoEngine extends Engine {
  private recovering = false;
  override async recover(): Promise<void> {
    this.recovering = true;
    try {
      await super.recover();
    } finally {
      this.recovering = false;
    }
  }
  protected override index(rec: Parameters<Engine['index']>[0]): void {
    super.index(rec);
    if (this.recovering) this.seqOf.set(rec.executionId, -this.nextSeq);
  }
}

/** The coordinator's timeout is not re-armed when the attempt starts (blind set 8 #07): it counts from the claim. */
export class TimeoutFromClaimEngine extends Engine {
  protected override armTimeout(rec: Parameters<Engine['armTimeout']>[0]): void {
    // onStarted sets startedAt, then re-arms while the record is still 'preparing': skip that re-arm.
    if (rec.status === 'preparing' && rec.startedAt !== undefined) return;
    super.armTimeout(rec);
  }
}

/** The admission check lets one execution more than maxConcurrentExecutions be in flight (blind set-5 07). */
export class AdmitsOneMoreEngine extends Engine {
  constructor(...[deps, config]: ConstructorParameters<typeof Engine>) {
    const max = config.maxConcurrentExecutions;
    super(deps, max === undefined ? config : { ...config, maxConcurrentExecutions: max + 1 });
  }
}
