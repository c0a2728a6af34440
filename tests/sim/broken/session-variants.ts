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

/** Runs `body` with every Session admitting re-sends of uncommitted seqs; restores the real admit after. */
export async function withBrokenSession<T>(body: () => Promise<T>): Promise<T> {
  const original = Session.prototype.admit;
  Session.prototype.admit = admitUntilCommitted(original);
  try {
    return await body();
  } finally {
    Session.prototype.admit = original;
  }
}
