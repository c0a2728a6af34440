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

const BROKEN = { 'until-committed': admitUntilCommitted, 'last-committed': admitLastCommitted } as const;

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
