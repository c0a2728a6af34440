/**
 * The assignment loop (assignment.ts) without a network: a FakeEngine, a
 * manual clock, the real registry and sessions. Written for the survivors of
 * the mutation run (docs/MUTATION.md round 3): wake-ups coalesce and stop
 * with the loop, a backlogged worker is skipped and looked at again, the
 * round-robin turn of an idle pass, and an assignment whose claim did not
 * commit, or whose session changed meanwhile, is never sent.
 */
import { describe, expect, it, vi } from 'vitest';
import { asSessionId, asWorkerId } from '../core/ids.js';
import type { ToWorker } from '../protocol/messages.js';
import { AssignmentLoop } from './assignment.js';
import { Session } from './session.js';
import { manualClock, testContext } from './testing.js';

function world() {
  const { ctx, clock, engine, registry, connections } = testContext();
  const loop = new AssignmentLoop(ctx);
  const sent = new Map<string, ToWorker[]>();
  /** A connected worker with its own session and connection. */
  const connect = (id: string, concurrency = 1, bufferedAmount = 0): { session: Session; conn: { bufferedAmount: number } } => {
    const { entry } = registry.getOrCreate(asWorkerId(id));
    const session = new Session(asSessionId(`ss_${id}`), asWorkerId(id), clock, 2);
    const out: ToWorker[] = [];
    sent.set(id, out);
    session.attach({ send: (m) => (out.push(m), true) });
    const conn = { connectionId: `c_${id}`, bufferedAmount, timeoutMs: 1000, tick: () => {}, replaceBy: () => {}, shutdown: () => {} };
    connections.set(conn.connectionId, conn);
    ctx.sendBacklog.sent(conn); // as the connection handler reports each send: its queue grew by one
    Object.assign(entry, { state: 'connected', session, connectionId: conn.connectionId, concurrency, kinds: new Set(['sleep']) });
    return { session, conn };
  };
  const assigned = (id: string): unknown[] => (sent.get(id) ?? []).filter((m) => m.type === 'assign').map((m) => (m.type === 'assign' ? m.executionId : undefined));
  /** Lets committed claims' then-callbacks run. */
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { clock, engine, registry, loop, connect, assigned, settle };
}

describe('assignment loop wake-ups', () => {
  it('several wakes in one tick share one pass', () => {
    const { clock, loop } = world();
    const pass = vi.spyOn(loop, 'runPass');
    loop.wake();
    loop.wake();
    loop.wake();
    clock.advance(0);
    expect(pass).toHaveBeenCalledTimes(1);
    loop.wake();
    clock.advance(0);
    expect(pass).toHaveBeenCalledTimes(2);
  });

  it('a stopped loop runs no pass, including one already scheduled', () => {
    const { clock, loop } = world();
    const pass = vi.spyOn(loop, 'runPass');
    loop.wake();
    loop.stop();
    clock.advance(100);
    loop.wake();
    clock.advance(100);
    expect(pass).not.toHaveBeenCalled();
  });

  it('an idle pass schedules nothing more, but keeps the round-robin turn', async () => {
    const { clock, engine, loop, connect, assigned, settle } = world();
    connect('a');
    connect('b');
    const pass = vi.spyOn(loop, 'runPass');
    expect(loop.runPass()).toBe(0); // nothing queued: the turn moves to a
    clock.advance(1000);
    clock.advance(0); // a pass a retry would have woken
    expect(pass).toHaveBeenCalledTimes(1);
    engine.add('ex_1');
    expect(loop.runPass()).toBe(1);
    await settle();
    // Without the idle turn, b would have been first.
    expect(assigned('a')).toEqual(['ex_1']);
    expect(assigned('b')).toEqual([]);
  });
});

describe('assignment loop and backlogged workers', () => {
  it('skips a worker whose socket is backed up, looks again shortly, and assigns once it drained', async () => {
    const { clock, engine, loop, connect, assigned, settle } = world();
    const { conn } = connect('slow', 2, 5 * 1024 * 1024);
    engine.add('ex_1');
    const pass = vi.spyOn(loop, 'runPass');
    expect(loop.runPass()).toBe(0);
    conn.bufferedAmount = 0;
    clock.advance(9);
    expect(pass).toHaveBeenCalledTimes(1);
    clock.advance(1); // the retry wakes the loop ...
    clock.advance(0); // ... whose pass runs on the next tick
    expect(pass).toHaveBeenCalledTimes(2);
    await settle();
    expect(assigned('slow')).toEqual(['ex_1']);
  });

  it('a worker at exactly the high-water mark still gets work, and no retry is armed', async () => {
    const { clock, engine, loop, connect, assigned, settle } = world();
    connect('w', 1, 4 * 1024 * 1024);
    engine.add('ex_1');
    const pass = vi.spyOn(loop, 'runPass');
    expect(loop.runPass()).toBe(1);
    clock.advance(1000);
    clock.advance(0); // a pass a retry would have woken
    expect(pass).toHaveBeenCalledTimes(1);
    await settle();
    expect(assigned('w')).toEqual(['ex_1']);
  });
});

describe('assignment loop claims', () => {
  it('a worker at its concurrency gets no more work; the next round goes to one with room', async () => {
    const { engine, loop, connect, assigned, settle } = world();
    connect('full', 1);
    connect('free', 3);
    engine.add('ex_1');
    engine.add('ex_2');
    engine.add('ex_3');
    expect(loop.runPass()).toBe(3);
    await settle();
    expect(assigned('full')).toHaveLength(1);
    expect(assigned('free')).toHaveLength(2);
    engine.add('ex_4');
    engine.add('ex_5');
    expect(loop.runPass()).toBe(1);
    await settle();
    expect(assigned('full')).toHaveLength(1);
    expect(assigned('free')).toHaveLength(3);
  });

  it('a worker that cannot run the queued kind is passed over without stopping the pass', async () => {
    const { engine, registry, loop, connect, assigned, settle } = world();
    connect('a');
    connect('b'); // visited first this pass (round-robin)
    const b = registry.get(asWorkerId('b'));
    if (b !== undefined) b.kinds = new Set(['echo']);
    engine.add('ex_1');
    expect(loop.runPass()).toBe(1);
    await settle();
    expect(assigned('a')).toEqual(['ex_1']);
    expect(assigned('b')).toEqual([]);
  });

  it('stops after 2000 claims in one pass and wakes itself for the rest', async () => {
    const { clock, engine, loop, connect, assigned, settle } = world();
    connect('big', 5000);
    for (let i = 0; i < 2003; i++) engine.add(`ex_${i}`);
    expect(loop.runPass()).toBe(2000);
    const pass = vi.spyOn(loop, 'runPass');
    clock.advance(0);
    expect(pass).toHaveBeenCalledTimes(1);
    await settle();
    expect(assigned('big')).toHaveLength(2003);
  });
});

describe('assignment delivery', () => {
  it('an assignment whose claim failed to commit is not sent, and is no longer counted as held', async () => {
    const { engine, loop, connect, assigned, settle } = world();
    const { session } = connect('w');
    engine.holdCommits = true;
    engine.add('ex_1');
    loop.runPass();
    expect(session.pendingAssignments().map((a) => a.executionId)).toEqual(['ex_1']);
    engine.held[0]?.reject(new Error('disk full'));
    await settle();
    expect(assigned('w')).toEqual([]);
    expect(session.pendingAssignments()).toEqual([]);
  });

  it('an assignment whose worker changed session before the commit is not sent on either session', async () => {
    const { engine, registry, loop, connect, assigned, settle } = world();
    const { session } = connect('w');
    engine.holdCommits = true;
    engine.add('ex_1');
    loop.runPass();
    const entry = registry.get(asWorkerId('w'));
    const next = new Session(asSessionId('ss_next'), asWorkerId('w'), manualClock(), 2);
    const out: ToWorker[] = [];
    next.attach({ send: (m) => (out.push(m), true) });
    if (entry !== undefined) entry.session = next;
    engine.held[0]?.resolve();
    await settle();
    expect(assigned('w')).toEqual([]);
    expect(out).toEqual([]);
    expect(session.pendingAssignments()).toEqual([]);
  });

  it('carries timeout and checkpoint into the assign only when the claim has them', async () => {
    const { engine, loop, connect, settle } = world();
    const { session } = connect('w', 2);
    const sent: ToWorker[] = [];
    session.attach({ send: (m) => (sent.push(m), true) });
    const claim = engine.claimNext.bind(engine);
    let n = 0;
    vi.spyOn(engine, 'claimNext').mockImplementation((w, kinds) => {
      const c = claim(w, kinds);
      n += 1;
      if (c === undefined || n === 1) return c;
      return { ...c, assignment: { ...c.assignment, timeoutMs: 250, checkpoint: { seq: 3, state: { at: 7 } } } };
    });
    engine.add('ex_1');
    engine.add('ex_2');
    loop.runPass();
    await settle();
    const [first, second] = sent;
    expect(first).toMatchObject({ type: 'assign', executionId: 'ex_1', attempt: 1, leaseToken: 'ls_1', kind: 'sleep', params: { durationMs: 1 } });
    expect(first).not.toHaveProperty('timeoutMs');
    expect(first).not.toHaveProperty('checkpoint');
    expect(second).toMatchObject({ type: 'assign', executionId: 'ex_2', timeoutMs: 250, checkpoint: { seq: 3, state: { at: 7 } } });
  });
});
