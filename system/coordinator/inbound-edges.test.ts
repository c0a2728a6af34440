/**
 * Messages from a registered worker (inbound.ts) without a network: a
 * FakeEngine whose commits the test resolves, a real Session on a manual
 * clock. The promises: a reliable message is acknowledged only after its
 * effect committed; a failed commit leaves it unacknowledged and admissible
 * again (the worker re-sends it) and closes the connection; a re-send of a
 * committed seq is dropped and re-acknowledged; each message type reaches
 * the engine or the registry with its fields. Written for the survivors and
 * uncovered mutants of the mutation run (docs/MUTATION.md round 3).
 */
import { describe, expect, it } from 'vitest';
import { asSessionId, asWorkerId } from '../core/ids.js';
import { PROTOCOL_VERSION, type ToCoordinator, type ToWorker } from '../protocol/messages.js';
import { handleWorkerMessage, type InboundScope } from './inbound.js';
import { Session } from './session.js';
import { testContext } from './testing.js';

const v = PROTOCOL_VERSION;

function world() {
  const t = testContext();
  const workerId = asWorkerId('w1');
  const { entry } = t.registry.getOrCreate(workerId);
  const session = new Session(asSessionId('ss_1'), workerId, t.clock, 2);
  const out: ToWorker[] = [];
  session.attach({ send: (m) => (out.push(m), true) });
  Object.assign(entry, { state: 'connected', session, connectionId: 'c1' });
  const failures: string[] = [];
  const rtts: number[] = [];
  const scope: InboundScope = { ctx: t.ctx, workerId, session, connectionId: 'c1', entry, failInternal: (m) => failures.push(m), onRtt: (ms) => rtts.push(ms) };
  const handle = (m: ToCoordinator): void => handleWorkerMessage(scope, m);
  /** Lets commit callbacks run. */
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  /** The explicit acks the session sent after its ack delay. */
  const acks = (): unknown[] => {
    t.clock.advance(10);
    return out.filter((m) => m.type === 'ack').map((m) => m.ack);
  };
  return { ...t, session, entry, out, failures, rtts, handle, settle, acks };
}

const started = (seq: number): ToCoordinator => ({ v, type: 'started', seq, executionId: 'ex_1', attempt: 1, leaseToken: 'ls_1' });

describe('inbound: acknowledged only after commit', () => {
  it('acks a reliable message once its commit resolved, not before, and traces its delivery', async () => {
    const { engine, session, handle, settle, acks, events } = world();
    engine.holdCommits = true;
    handle(started(1));
    expect(engine.calls).toEqual([{ method: 'onStarted', args: ['ex_1', 1, 'ls_1'] }]);
    expect(events).toEqual([expect.objectContaining({ type: 'msg_delivered', workerId: 'w1', sessionId: 'ss_1', dir: 'to_coordinator', seq: 1, msgType: 'started' })]);
    await settle();
    expect(session.committed).toBe(0);
    expect(acks()).toEqual([]);
    engine.held[0]?.resolve();
    await settle();
    expect(session.committed).toBe(1);
    expect(acks()).toEqual([1]);
  });

  it('a failed commit leaves the seq unacknowledged and admissible again, and closes the connection naming the seq', async () => {
    const { engine, session, handle, settle, failures } = world();
    engine.holdCommits = true;
    handle(started(1));
    engine.held[0]?.reject(new Error('disk full'));
    await settle();
    expect(session.committed).toBe(0);
    expect(failures).toEqual(['could not commit message 1: disk full']);
    engine.holdCommits = false;
    handle(started(1)); // the worker re-sends it after reconnecting
    await settle();
    expect(engine.count('onStarted')).toBe(2);
    expect(session.committed).toBe(1);
  });

  it('a message whose handling throws is not admitted: the error goes to the caller and a re-send is handled', async () => {
    const { engine, session, handle, settle } = world();
    const boom = new Error('engine closed');
    engine.onStarted = () => {
      throw boom;
    };
    expect(() => handle(started(1))).toThrow(boom);
    engine.onStarted = () => Promise.resolve();
    handle(started(1));
    await settle();
    expect(session.committed).toBe(1);
  });

  it('drops a re-send of a committed seq and acknowledges it again; a re-send still committing is only dropped', async () => {
    const { engine, session, handle, settle, acks } = world();
    handle(started(1));
    await settle();
    expect(acks()).toEqual([1]);
    handle(started(1));
    expect(engine.count('onStarted')).toBe(1);
    expect(acks()).toEqual([1, 1]);
    engine.holdCommits = true;
    handle(started(2));
    handle(started(2));
    expect(engine.count('onStarted')).toBe(2);
    expect(acks()).toEqual([1, 1]);
    expect(session.committed).toBe(1);
  });

  it("every message's ack releases what the session buffered for the worker", () => {
    const { session, handle } = world();
    session.sendReliable({ type: 'abort', executionId: 'ex_1', leaseToken: 'ls_1', reason: 'cancel' });
    session.sendReliable({ type: 'abort', executionId: 'ex_2', leaseToken: 'ls_2', reason: 'cancel' });
    handle({ v, type: 'progress', executionId: 'ex_1', leaseToken: 'ls_1', fraction: 0.5, ack: 1 });
    expect(session.outboxDepth).toBe(1);
  });
});

describe('inbound: each message type', () => {
  it('a checkpoint reaches the engine with its seq and state, and is acknowledged after commit', async () => {
    const { engine, session, handle, settle } = world();
    handle({ v, type: 'checkpoint', seq: 1, executionId: 'ex_1', attempt: 2, leaseToken: 'ls_1', checkpoint: { seq: 4, state: { n: 1 } } });
    await settle();
    expect(engine.calls).toEqual([{ method: 'onCheckpoint', args: ['ex_1', 2, 'ls_1', { seq: 4, state: { n: 1 } }] }]);
    expect(session.committed).toBe(1);
  });

  it('a result reaches the engine as a full report, and wakes the assignment loop once committed', async () => {
    const { engine, session, handle, settle, counter } = world();
    engine.holdCommits = true;
    handle({ v, type: 'result', seq: 1, executionId: 'ex_1', attempt: 1, leaseToken: 'ls_1', outcome: 'failed', error: { code: 'boom', message: 'x' }, durationMs: 12 });
    expect(engine.calls[0]?.args[0]).toEqual({ executionId: 'ex_1', attempt: 1, leaseToken: 'ls_1', outcome: 'failed', result: undefined, error: { code: 'boom', message: 'x' }, durationMs: 12, started: false });
    expect(counter.wakes).toBe(0);
    engine.held[0]?.resolve();
    await settle();
    expect(counter.wakes).toBe(1);
    expect(session.committed).toBe(1);
  });

  it('data counts its payload in UTF-8 bytes; drain stops assignments to the worker; both are acknowledged', async () => {
    const { ctx, entry, session, handle } = world();
    handle({ v, type: 'data', seq: 1, payload: 'aé' });
    expect((await ctx.metrics.dataBytes.get()).values[0]?.value).toBe(3);
    expect(entry.draining).toBe(false);
    handle({ v, type: 'drain', seq: 2 });
    expect(entry.draining).toBe(true);
    expect(session.committed).toBe(2);
  });

  it('a sync reports held tasks plus assignments not yet received, answers reliably and wakes the loop', () => {
    const { engine, session, handle, out, counter } = world();
    engine.leases.set('ex_held', { workerId: asWorkerId('w1'), token: 'ls_h', attempt: 1 });
    session.claimStarted({ executionId: 'ex_new', attempt: 1, leaseToken: 'ls_n' });
    session.claimStarted({ executionId: 'ex_held', attempt: 1, leaseToken: 'ls_h' });
    handle({ v, type: 'sync', seq: 1, tasks: [{ executionId: 'ex_held', attempt: 1, leaseToken: 'ls_h', state: 'finished' }] });
    expect(engine.calls[0]?.args[1]).toEqual([
      { executionId: 'ex_held', attempt: 1, leaseToken: 'ls_h', state: 'finished' },
      { executionId: 'ex_new', attempt: 1, leaseToken: 'ls_n', state: 'running' },
    ]);
    expect(out.filter((m) => m.type === 'sync_result')).toEqual([expect.objectContaining({ seq: 1, confirm: ['ex_held'], revoke: [{ executionId: 'ex_new', reason: 'lease_expired' }] })]);
    expect(counter.wakes).toBe(1);
    expect(session.committed).toBe(1);
  });

  it('an early (seq-less) sync is answered without taking a seq', () => {
    const { session, handle, out } = world();
    handle({ v, type: 'sync', tasks: [] });
    expect(out.filter((m) => m.type === 'sync_result')).toHaveLength(1);
    expect(session.committed).toBe(0);
  });

  it('answers a ping with a pong carrying its id and time', () => {
    const { handle, out } = world();
    handle({ v, type: 'ping', id: 7, t: 123.5 });
    expect(out).toEqual([expect.objectContaining({ type: 'pong', id: 7, t: 123.5 })]);
  });

  it('a pong gives the round trip to the worker entry and the connection; an impossible one is ignored', () => {
    const { clock, entry, handle, rtts } = world();
    clock.advance(1000);
    handle({ v, type: 'pong', id: 1, t: 1000 - 12.34567 });
    expect(entry.rttMs).toBe(12.346);
    expect(rtts).toHaveLength(1);
    handle({ v, type: 'pong', id: 2, t: 2000 }); // from the future
    handle({ v, type: 'pong', id: 3, t: 1000 - 3_600_000 }); // an hour old
    expect(rtts).toHaveLength(1);
    expect(entry.rttMs).toBe(12.346);
  });

  it('progress is counted; ack, error and register change nothing', async () => {
    const { ctx, engine, session, handle, out } = world();
    handle({ v, type: 'progress', executionId: 'ex_1', leaseToken: 'ls_1', fraction: 0.5 });
    expect((await ctx.metrics.progressReports.get()).values[0]?.value).toBe(1);
    handle({ v, type: 'ack', ack: 0 });
    handle({ v, type: 'error', code: 'x', message: 'y' });
    handle({ v, type: 'register', protocolVersion: v, workerId: 'w1', clientNonce: 'c'.repeat(32), capabilities: { kinds: ['sleep'], concurrency: 1 } });
    expect(engine.calls).toEqual([]);
    expect(out).toEqual([]);
    expect(session.committed).toBe(0);
  });
});
