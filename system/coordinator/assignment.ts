/**
 * The assignment loop: keeps every connected, non-draining worker busy up to
 * its concurrency. It runs whenever woken (new work, a registration, a
 * result, freed capacity), coalesced into one pass per tick, and hands out
 * work round-robin, one claim per worker per round, so no worker starves and
 * no queued task waits for some connection event (seed defect 4). An
 * assignment is sent only after the engine committed the claim; if the
 * worker's session changed meanwhile the lease is left to expire or be
 * revoked on sync.
 */
import type { TimerHandle } from '../core/clock.js';
import type { AssignmentSpec } from '../engine/contract.js';
import type { Assign, Outgoing } from '../protocol/messages.js';
import type { CoordinatorContext } from './context.js';
import type { WorkerEntry } from './registry.js';
import type { Session } from './session.js';
import { ASSIGN_HIGH_WATER_BYTES } from './send-backlog.js';

/** Claims per pass before yielding the event loop (the loop re-wakes itself). */
const MAX_CLAIMS_PER_PASS = 2000;
/** How soon a pass that skipped a backlogged worker looks again. */
const BACKLOG_RETRY_MS = 10;

/** The coalesced, round-robin assignment loop (see the file comment). */
export class AssignmentLoop {
  private scheduled: TimerHandle | undefined;
  private retry: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly ctx: Omit<CoordinatorContext, 'wake'>) {}

  /** Schedules a pass on the next tick (several wakes in one tick share it). */
  wake(): void {
    if (this.scheduled !== undefined || this.stopped) return;
    this.scheduled = this.ctx.clock.setTimeout(() => {
      this.scheduled = undefined;
      this.runPass();
    }, 0);
  }

  stop(): void {
    this.stopped = true;
    this.scheduled?.cancel();
    this.scheduled = undefined;
    this.retry?.cancel();
    this.retry = undefined;
  }

  /** One pass; exported for tests. Returns the number of claims made. */
  runPass(): number {
    const { engine, registry } = this.ctx;
    // Only claims change the ready queue during a pass. Once it is empty every claimNext would
    // return undefined, so the pass stops instead of asking each remaining worker (with 500
    // workers, one submission used to cost a round of 500 calls). Same claims, same order.
    const readyLeft = (): number => engine.snapshotCounts().queueLength;
    if (readyLeft() === 0) {
      // Nothing to claim: only the round-robin turn and the backlog retry of a full pass remain,
      // both O(1) unless some socket may be past the high-water mark (send-backlog.ts).
      registry.idleTurn();
      if (this.ctx.sendBacklog.possible() && registry.anyAssignable((w) => this.backlogged(w))) this.armBacklogRetry();
      return 0;
    }
    return this.claimRounds(this.assignableNow(), readyLeft);
  }

  /** The assignable workers but the backlogged ones (a retry is armed for those), dropped in place: assignable() returns a fresh array. */
  private assignableNow(): WorkerEntry[] {
    const active = this.ctx.registry.assignable();
    const candidates = active.length;
    let kept = candidates;
    if (this.ctx.sendBacklog.possible()) {
      kept = 0;
      for (const w of active) if (!this.backlogged(w)) active[kept++] = w;
      active.length = kept;
    }
    if (kept < candidates) {
      this.ctx.marks.hit('coordinator.assign-backlogged');
      this.armBacklogRetry();
    }
    return active;
  }

  /** Rounds of one claim per worker with room, until no worker has room, the ready queue is empty or the pass's limit is reached. Returns the claims made. */
  private claimRounds(first: WorkerEntry[], readyLeft: () => number): number {
    const { engine } = this.ctx;
    let active = first;
    let drained = false;
    const given = new Map<WorkerEntry, number>();
    const capacity = (w: WorkerEntry): number =>
      Math.min(w.concurrency - engine.leasesOf(w.workerId) - w.heldBack, w.concurrency - (given.get(w) ?? 0));
    let claims = 0;
    while (active.length > 0 && !drained) {
      const next: WorkerEntry[] = [];
      for (const w of active) {
        const session = w.session;
        if (session === undefined || w.state !== 'connected' || w.draining || capacity(w) <= 0) continue;
        const claim = engine.claimNext(w.workerId, w.kinds);
        if (claim === undefined) continue;
        claims += 1;
        given.set(w, (given.get(w) ?? 0) + 1);
        this.deliver(w, session, claim.assignment, claim.committed);
        if (capacity(w) > 0) next.push(w);
        if (readyLeft() === 0) {
          drained = true;
          break;
        }
      }
      active = next;
      if (claims >= MAX_CLAIMS_PER_PASS) {
        this.ctx.marks.hit('coordinator.pass-limit');
        this.wake();
        break;
      }
    }
    return claims;
  }

  private backlogged(w: WorkerEntry): boolean {
    return w.connectionId !== undefined && (this.ctx.connections.get(w.connectionId)?.bufferedAmount ?? 0) > ASSIGN_HIGH_WATER_BYTES;
  }

  /** A backlogged worker was skipped: look again shortly (once). */
  private armBacklogRetry(): void {
    if (this.retry !== undefined || this.stopped) return;
    this.retry = this.ctx.clock.setTimeout(() => {
      this.retry = undefined;
      this.wake();
    }, BACKLOG_RETRY_MS);
  }

  private deliver(w: WorkerEntry, session: Session, a: AssignmentSpec, committed: Promise<void>): void {
    session.claimStarted(a);
    committed.then(
      () => {
        if (w.session !== session) {
          session.claimSettled(a.leaseToken);
          this.ctx.logger.info({ workerId: w.workerId, executionId: a.executionId }, 'worker session changed before the assignment was sent; leaving the lease to expire');
          return;
        }
        // Queues the assign, then any abort (cancel, pause) that came for this lease while it committed.
        if (session.claimSettled(a.leaseToken, assignMessage(a)) > 0) this.ctx.marks.hit('coordinator.abort-held-for-claim');
      },
      (err: unknown) => {
        session.claimSettled(a.leaseToken);
        this.ctx.logger.error({ err, workerId: w.workerId, executionId: a.executionId }, 'claim did not commit; not sending the assignment');
      },
    );
  }
}

/** The `assign` frame of a committed claim. */
function assignMessage(a: AssignmentSpec): Outgoing<Assign> {
  return {
    type: 'assign',
    executionId: a.executionId,
    attempt: a.attempt,
    leaseToken: a.leaseToken,
    kind: a.kind,
    params: (a.params ?? null) as never,
    ...(a.timeoutMs === undefined ? {} : { timeoutMs: a.timeoutMs }),
    ...(a.checkpoint === undefined ? {} : { checkpoint: { seq: a.checkpoint.seq, state: a.checkpoint.state as never } }),
  };
}
