/**
 * Deliberately broken coordinator sessions (tests/sim/broken-commit-window.test.ts).
 * Session is built inside the coordinator (bind-session.ts), not through
 * SimWiring, so the defect is planted on its prototype for the duration of
 * one run and taken out again (`withBrokenSession`).
 */
import { Session } from '../../../system/coordinator/session.js';

type Admit = Session['admit'];

/**
 * Dedups only what committed: a re-sent seq whose first copy is still in its
 * commit window is admitted again (the check `seq <= committed` without the
 * in-flight set), so the engine sees the message twice.
 */
const admitUntilCommitted = (original: Admit): Admit =>
  function (this: Session, seq: number) {
    if (seq <= this.committed) return 'duplicate';
    original.call(this, seq);
    return 'new';
  };

/**
 * The off-by-one at the commit boundary (`seq < committed` for `<=`): a copy
 * of the newest committed seq is admitted again. Honest workers never re-send
 * it (they trim at the lastSeq they are told), so only a replay shows it.
 */
const admitLastCommitted = (original: Admit): Admit =>
  function (this: Session, seq: number) {
    if (seq > 0 && seq === this.committed) return 'new';
    return original.call(this, seq);
  };

/**
 * Forgets the seqs done ahead of a gap (blind set 8 #15): a message handled at
 * once (a sync) while an earlier one still commits is done, but its re-send
 * after a resume is admitted again.
 */
const admitDoneAhead = (original: Admit): Admit =>
  function (this: Session, seq: number) {
    const sets = this as unknown as { doneAhead?: Set<number>; inflight?: Set<number> };
    if (seq <= this.committed || sets.doneAhead?.has(seq) !== true) return original.call(this, seq);
    (sets.inflight ??= new Set()).add(seq);
    return 'new';
  };

const BROKEN = { 'until-committed': admitUntilCommitted, 'last-committed': admitLastCommitted, 'done-ahead': admitDoneAhead } as const;

/** Runs `body` with every Session admitting with the given mistake (default: re-sends of uncommitted seqs); restores the real admit after. */
export async function withBrokenSession<T>(body: () => Promise<T>, mistake: keyof typeof BROKEN = 'until-committed'): Promise<T> {
  const original = Session.prototype.admit;
  Session.prototype.admit = BROKEN[mistake](original);
  try {
    return await body();
  } finally {
    Session.prototype.admit = original;
  }
}
