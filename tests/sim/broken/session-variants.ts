/**
 * Deliberately broken coordinator sessions (tests/sim/broken-commit-window.test.ts,
 * tests/sim/broken-onpath.test.ts, tests/sim/broken-trace.test.ts): Session
 * subclasses the coordinator builds through its session policy
 * (system/coordinator/policies.ts), wired in by SimWiring.coordinatorPolicies.
 */
import type { CoordinatorPolicies } from '../../../system/coordinator/index.js';
import { Session, type Admission } from '../../../system/coordinator/session.js';

/** The session policy building `S` instead of the real Session. */
const sessionOf = (S: typeof Session): Partial<CoordinatorPolicies> => ({ session: (...args) => new S(...args) });

/**
 * Dedups only what committed: a re-sent seq whose first copy is still in its
 * commit window is admitted again (the check `seq <= committed` without the
 * in-flight set), so the engine sees the message twice.
 */
class AdmitUntilCommitted extends Session {
  override admit(seq: number): Admission {
    if (seq <= this.committed) return 'duplicate';
    super.admit(seq);
    return 'new';
  }
}

/**
 * The off-by-one at the commit boundary (`seq < committed` for `<=`): a copy
 * of the newest committed seq is admitted again. Honest workers never re-send
 * it (they trim at the lastSeq they are told), so only a replay shows it.
 */
class AdmitLastCommitted extends Session {
  override admit(seq: number): Admission {
    if (seq > 0 && seq === this.committed) return 'new';
    return super.admit(seq);
  }
}

/**
 * Forgets the seqs done ahead of a gap (blind set 8 #15): a message handled at
 * once (a sync) while an earlier one still commits is done, but its re-send
 * after a resume is admitted again.
 */
class AdmitDoneAhead extends Session {
  override admit(seq: number): Admission {
    if (seq <= this.committed || this.doneAhead?.has(seq) !== true) return super.admit(seq);
    (this.inflight ??= new Set()).add(seq);
    return 'new';
  }
}

/**
 * Applies the worker's reported lastSeq only after re-sending at a resume
 * (blind set 10 #12): what the worker already has goes out again, and its
 * dedupe absorbs the copies (promise 12, acked-not-resent).
 */
class ResendBeforeLastSeq extends Session {
  override resend(workerLastSeq: number): number {
    const n = this.resendUnacked(workerLastSeq);
    this.onPeerAck(workerLastSeq);
    return n;
  }
}

/** Answers a sync from the reported leases only: assigns still in flight are not held (trace promise 13). */
class SyncIgnoringInFlight extends Session {
  override pendingAssignments(): ReturnType<Session['pendingAssignments']> {
    return [];
  }
}

/**
 * Sends an abort at once even while its lease's claim still commits (the
 * defect found in cli-client with BUGGIFY, seed 2): the abort goes out before
 * the lease's assign, the worker ignores it and runs the attempt.
 */
class AbortAheadOfAssign extends Session {
  protected override holdBehindClaim(): boolean {
    return false;
  }
}

/** Sessions that let an abort overtake the assign of its committing claim. */
export const abortAheadOfAssign = sessionOf(AbortAheadOfAssign);

const BROKEN = { 'until-committed': AdmitUntilCommitted, 'last-committed': AdmitLastCommitted, 'done-ahead': AdmitDoneAhead, 'resend-before-last-seq': ResendBeforeLastSeq } as const;

/** Sessions admitting with the given mistake (default: re-sends of uncommitted seqs). */
export function brokenSession(mistake: keyof typeof BROKEN = 'until-committed'): Partial<CoordinatorPolicies> {
  return sessionOf(BROKEN[mistake]);
}

/** Sessions that answer a sync without the assigns still in flight. */
export const syncIgnoringInFlight = sessionOf(SyncIgnoringInFlight);
