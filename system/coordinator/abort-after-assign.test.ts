/**
 * An abort never overtakes the assign of its lease (docs/PROTOCOL.md, "Leases,
 * fencing, exactly-once"). A cancel or pause that lands while the claim of its
 * lease is still committing used to go out at once, the assign after it: the
 * worker ignored the abort (a lease it did not hold), then ran the cancelled
 * attempt until a later sync revoked it (cli-client.yaml, seed 2 with BUGGIFY's
 * slow commits). The assignment loop with a FakeEngine whose commits the test
 * holds, the real registry and sessions.
 */
import { describe, expect, it } from 'vitest';
import { asSessionId, asWorkerId } from '../core/ids.js';
import type { ToWorker } from '../protocol/messages.js';
import { AssignmentLoop } from './assignment.js';
import { Session } from './session.js';
import { testContext } from './testing.js';

/** One connected worker `w` whose frames land in `sent`, and one execution claimed for it, its commit held. */
function claimCommitting() {
  const { ctx, clock, engine, registry } = testContext();
  const loop = new AssignmentLoop(ctx);
  const session = new Session(asSessionId('ss_w'), asWorkerId('w'), clock, 2);
  const sent: ToWorker[] = [];
  session.attach({ send: (m) => (sent.push(m), true) });
  const { entry } = registry.getOrCreate(asWorkerId('w'));
  Object.assign(entry, { state: 'connected', session, concurrency: 1, kinds: new Set(['sleep']) });
  engine.holdCommits = true;
  engine.add('ex_1');
  loop.runPass();
  const [claim] = session.pendingAssignments();
  if (claim === undefined) throw new Error('the loop claimed nothing');
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  const abort = (reason: 'cancel' | 'pause'): number => session.sendReliable({ type: 'abort', executionId: 'ex_1', leaseToken: claim.leaseToken, reason });
  return { engine, session, sent, claim, settle, abort };
}

/** type:leaseToken:seq of each reliable frame sent. */
const frames = (sent: ToWorker[]): string[] => sent.map((m) => `${m.type}:${'leaseToken' in m ? m.leaseToken : ''}:${'seq' in m ? m.seq : ''}`);

describe('an abort never overtakes its assign', () => {
  it('a cancel that lands while the claim commits goes out right behind the assign', async () => {
    const { engine, sent, claim, settle, abort } = claimCommitting();
    expect(abort('cancel')).toBe(0);
    expect(sent).toEqual([]);
    engine.held[0]?.resolve();
    await settle();
    expect(frames(sent)).toEqual([`assign:${claim.leaseToken}:1`, `abort:${claim.leaseToken}:2`]);
  });

  it('a pause held over a detach is re-sent behind its assign on resume', async () => {
    const { engine, session, sent, claim, settle, abort } = claimCommitting();
    session.detach(0);
    abort('pause');
    engine.held[0]?.resolve();
    await settle();
    expect(sent).toEqual([]);
    session.attach({ send: (m) => (sent.push(m), true) });
    expect(session.resend(0)).toBe(2);
    expect(frames(sent)).toEqual([`assign:${claim.leaseToken}:1`, `abort:${claim.leaseToken}:2`]);
    expect(sent[1]).toMatchObject({ reason: 'pause' });
  });

  it('an abort held for a claim that did not commit is dropped with its assign', async () => {
    const { engine, session, sent, settle, abort } = claimCommitting();
    abort('cancel');
    engine.held[0]?.reject(new Error('disk full'));
    await settle();
    expect(sent).toEqual([]);
    expect(session.outboxDepth).toBe(0);
  });

  it('an abort for a lease whose assign already left goes at once', async () => {
    const { engine, sent, claim, settle, abort } = claimCommitting();
    engine.held[0]?.resolve();
    await settle();
    expect(abort('cancel')).toBe(2);
    expect(frames(sent)).toEqual([`assign:${claim.leaseToken}:1`, `abort:${claim.leaseToken}:2`]);
  });
});
