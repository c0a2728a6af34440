/**
 * The worker's connection lifecycle against the scripted fake coordinator,
 * on a fake clock: reconnect with backoff, resume and renumbering, revoke at
 * sync, half-open detection, stale close handlers, replacement, handshake
 * timeouts and reconnect limits.
 */
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../system/protocol/index.js';
import { connected, setup } from './helpers/setup.js';

describe('Worker connection lifecycle', () => {
  it('reconnects after a drop mid-task with backoff, reports the held task, and completes it once', async () => {
    const t = await connected();
    t.coord.assign({ executionId: 'ex1', kind: 'sleep', params: { durationMs: 3000, checkpointEveryMs: 1000 } });
    await t.tick(1500);
    expect(t.coord.of('checkpoint').map((c) => c.checkpoint)).toEqual([{ seq: 1, state: { elapsedMs: 1000 } }]);
    t.coord.current.terminate();
    await t.flush();
    expect(t.worker.state).toBe('backoff');
    const backoff = t.of('backoff').at(-1);
    expect(backoff).toMatchObject({ attempt: 1, strategy: 'full-jitter', floorMs: 0, capMs: 100 });
    expect(backoff?.delayMs).toBeGreaterThanOrEqual(0);
    expect(backoff?.delayMs).toBeLessThanOrEqual(100);
    await t.tick(100);
    expect(t.worker.state).toBe('ready');
    const register = t.coord.of('register')[1];
    expect(register?.resume).toEqual({ sessionId: 'ss_1', lastSeq: 2 });
    const sync = t.coord.of('sync')[1];
    expect(sync?.tasks).toEqual([{ executionId: 'ex1', attempt: 1, leaseToken: 'ls_ex1', state: 'running' }]);
    await t.tick(2000);
    expect(t.coord.of('result')).toHaveLength(1);
    expect(t.coord.of('result')[0]).toMatchObject({ outcome: 'completed', durationMs: 3000 });
    expect(t.worker.stats()).toMatchObject({ reconnects: 1, attempt: 0 });
    // link lost → registered again = the backoff wait (fake timers run whole milliseconds)
    expect(t.worker.stats().lastReconnectMs).toBe(Math.floor(backoff?.delayMs ?? NaN));
    expect(t.of('connected').map((e) => e.resumed)).toEqual([false, true]);
  });

  it('re-sends an uncommitted result after resume with its original seq, listing it as finished', async () => {
    const t = await connected();
    t.coord.commit = false; // the coordinator receives but never commits what follows
    t.coord.assign({ executionId: 'ex1', kind: 'echo', params: { value: 'v' } });
    await t.flush();
    const first = t.coord.of('result')[0];
    expect(first?.seq).toBe(2); // sync 1, then the result with its start folded in
    t.coord.current.terminate();
    t.coord.commit = true;
    await t.tick(200);
    expect(t.worker.state).toBe('ready');
    const results = t.coord.of('result');
    expect(results).toHaveLength(2);
    expect(results[1]).toEqual({ ...first, ack: results[1]?.ack });
    const sync = t.coord.of('sync').at(-1);
    expect(sync?.tasks).toEqual([{ executionId: 'ex1', attempt: 1, leaseToken: 'ls_ex1', state: 'finished' }]);
    await t.flush();
    expect(t.worker.stats()).toMatchObject({ unacked: 0, heldResults: 0 });
  });

  it('renumbers unacked messages on a new session (coordinator lost the session)', async () => {
    const t = await connected();
    t.coord.commit = false;
    // a task longer than one timer turn, so its start goes out on its own before the result
    t.coord.assign({ executionId: 'ex1', kind: 'sleep', params: { durationMs: 10 } });
    await t.tick(20);
    t.coord.current.terminate();
    t.coord.commit = true;
    t.coord.forgetSessions = true;
    await t.tick(200);
    expect(t.of('connected').at(-1)).toMatchObject({ resumed: false, sessionId: 'ss_2' });
    const conn = t.coord.current.id;
    const onNew = t.coord.received.filter((r) => r.conn === conn && 'seq' in r.msg).map((r) => `${r.msg.type}:${(r.msg as { seq: number }).seq}`);
    expect(onNew).toEqual(['started:1', 'result:2', 'sync:3']);
  });

  it('aborts a task the coordinator revokes at sync', async () => {
    const t = await connected();
    t.coord.assign({ executionId: 'ex1', kind: 'sleep', params: { durationMs: 5000 } });
    await t.tick(100);
    t.coord.revokeOnSync = ['ex1'];
    t.coord.current.terminate();
    await t.tick(200);
    expect(t.of('task_aborted')).toMatchObject([{ executionId: 'ex1', reason: 'revoked' }]);
    expect(t.coord.of('result')[0]).toMatchObject({ executionId: 'ex1', outcome: 'revoked' });
    expect(t.worker.stats().running).toBe(0);
  });

  it('detects a half-open link by heartbeat timeout, reconnects once, and does not reconnect again spuriously', async () => {
    const t = setup({ coord: { heartbeatTimeoutMs: 3000 } });
    t.worker.start();
    await t.tick(5000);
    expect(t.worker.stats().rttMs).toBe(0);
    const old = t.transport.connections[0]!;
    old.blackhole = true;
    old.holdClose = true; // the old socket's close event arrives late
    await t.tick(3000);
    expect(t.of('heartbeat_timeout')).toHaveLength(1);
    await t.tick(200);
    expect(t.worker.state).toBe('ready');
    expect(t.transport.connectCalls).toBe(2);
    old.releaseClose(); // stale close handler runs now: must not start another connection
    await t.tick(20_000);
    expect(t.transport.connectCalls).toBe(2);
    expect(t.transport.openCount()).toBe(1);
    expect(t.of('heartbeat_timeout')).toHaveLength(1);
    expect(t.worker.stats().reconnects).toBe(1);
  });

  it('never runs two connections when a close races a reconnect', async () => {
    const t = setup();
    let maxOpen = 0;
    t.worker.onStateChange(() => (maxOpen = Math.max(maxOpen, t.transport.openCount())));
    t.worker.start();
    await t.flush();
    for (let i = 0; i < 5; i++) {
      // A garbage frame: the worker closes the link itself (and reconnects); the
      // connection's own close event follows and must be a no-op.
      t.coord.current.send('{"v":1,"type":"assign"');
      await t.tick(1000);
      expect(t.worker.state).toBe('ready');
    }
    expect(maxOpen).toBe(1);
    expect(t.transport.connectCalls).toBe(6);
    expect(t.of('backoff')).toHaveLength(5);
    expect(t.worker.stats().reconnects).toBe(5);
    expect(t.transport.connections.slice(0, 5).every((c) => !c.open)).toBe(true);
  });

  it('stops when replaced by another process with the same id', async () => {
    const t = await connected();
    t.coord.current.close(CloseCode.Replaced, 'replaced');
    await t.tick(5000);
    expect(t.worker.state).toBe('stopped');
    expect(t.worker.stats().fatalError?.message).toMatch(/same worker id "w1"/);
    expect(t.transport.connectCalls).toBe(1);
  });

  it('bounds connect + welcome + registered by handshakeTimeoutMs', async () => {
    const t = setup({ worker: { handshakeTimeoutMs: 2000 } });
    t.transport.hang = true;
    t.worker.start();
    await t.tick(1999);
    expect(t.worker.state).toBe('connecting');
    await t.tick(1);
    expect(t.worker.state).toBe('backoff');
    t.transport.hang = false;
    t.coord.ignoreRegister = true;
    await t.tick(200);
    expect(t.worker.state).toBe('handshaking');
    // The first attempt timed out, so this one's deadline doubled (handshakeTimeoutMaxMs bounds it).
    await t.tick(2000);
    expect(t.worker.state).toBe('handshaking');
    await t.tick(2000);
    expect(t.worker.state).not.toBe('handshaking');
    expect(t.transport.openCount()).toBe(0);
    t.coord.ignoreRegister = false;
    await t.tick(500);
    expect(t.worker.state).toBe('ready');
    expect(t.of('disconnected').map((e) => e.reason)).toEqual(['handshake timed out']);
  });

  it('gives up after maxAttempts when configured', async () => {
    const t = setup({ worker: { maxAttempts: 3 } });
    t.transport.refuse = true;
    t.worker.start();
    await t.tick(10_000);
    expect(t.worker.state).toBe('stopped');
    expect(t.transport.connectCalls).toBe(3);
    expect(t.worker.stats().fatalError?.message).toMatch(/gave up after 3/);
  });

  it('keeps reconnecting without limit by default', async () => {
    const t = setup();
    t.transport.refuse = true;
    t.worker.start();
    await t.tick(60_000);
    expect(t.worker.state).toBe('backoff');
    expect(t.transport.connectCalls).toBeGreaterThan(10);
    t.transport.refuse = false;
    await t.tick(2000);
    expect(t.worker.state).toBe('ready');
  });

});
