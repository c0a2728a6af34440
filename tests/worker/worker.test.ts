/**
 * The worker against a scripted fake coordinator over an in-memory transport,
 * on a fake clock: handshake and auth, task flow, acks, reconnect with resume
 * and sync, revoke, pause, half-open detection, stale close handlers (drain: drain.test.ts).
 */
import { encode } from '../../system/protocol/codec.js';
import { describe, expect, it } from 'vitest';
import { CloseCode, PROTOCOL_VERSION, registrationMac, type Register, type Welcome } from '../../system/protocol/index.js';
import { setup } from './helpers/setup.js';

describe('Worker', () => {
  it('handshakes with an HMAC registration proof, syncs and becomes ready', async () => {
    const t = setup({ coord: { secret: 's3cret' }, worker: { secret: 's3cret' } });
    const states: string[] = [];
    t.worker.onStateChange((to) => states.push(to));
    t.worker.start();
    await t.flush();
    expect(t.worker.state).toBe('ready');
    expect(states).toEqual(['connecting', 'handshaking', 'syncing', 'ready']);
    const [register] = t.coord.of('register');
    expect(register?.clientNonce).toMatch(/^[0-9a-f]{32}$/);
    expect(register?.auth?.mac).toBe(registrationMac('s3cret', t.coord.welcomes[0] as Welcome, register as Register));
    // Dangerous kinds are opt-in: not advertised unless allowed.
    expect(register?.capabilities.kinds).toEqual(['sleep', 'echo', 'fail', 'cpu', 'big']);
    expect(register?.resume).toBeUndefined();
    expect(t.of('connected')).toHaveLength(1);
    expect(t.of('synced')).toHaveLength(1);
    expect(t.worker.stats()).toMatchObject({ state: 'ready', reconnects: 0, sessionId: 'ss_1' });
  });

  it('on a wrong secret, never registers and keeps retrying with backoff (4401 may also be a corrupted frame)', async () => {
    const t = setup({ coord: { secret: 'right' }, worker: { secret: 'wrong' } });
    t.worker.start();
    await t.tick(5000);
    expect(t.worker.state).not.toBe('ready');
    expect(t.worker.stats().fatalError).toBeNull();
    expect(t.of('connected')).toHaveLength(0);
    const closes = t.of('disconnected');
    expect(closes.length).toBeGreaterThan(1);
    expect(closes.every((e) => e.code === CloseCode.AuthFailed)).toBe(true);
    expect(t.of('backoff').length).toBeGreaterThanOrEqual(closes.length - 1);
    expect(t.transport.connectCalls).toBe(closes.length + (t.worker.state === 'connecting' || t.worker.state === 'handshaking' ? 1 : 0));
  });

  it('runs an assignment: started, then the real result once it completes', async () => {
    const t = setup();
    t.worker.start();
    await t.flush();
    t.coord.assign({ executionId: 'ex1', kind: 'sleep', params: { durationMs: 1000 } });
    await t.tick(999);
    expect(t.coord.of('started')).toHaveLength(1);
    expect(t.coord.of('result')).toHaveLength(0);
    expect(t.worker.stats().running).toBe(1);
    await t.tick(1);
    const results = t.coord.of('result');
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ executionId: 'ex1', outcome: 'completed', durationMs: 1000, result: { sleptMs: 1000 } });
    expect(t.worker.stats().running).toBe(0);
    expect(t.of('task_finished').map((e) => e.outcome)).toEqual(['completed']);
  });

  it('acknowledges coordinator messages by piggyback and ignores duplicate seqs', async () => {
    const t = setup();
    t.worker.start();
    await t.flush();
    t.coord.assign({ executionId: 'ex1', kind: 'echo', params: { value: 7 } });
    await t.flush();
    // echo finishes within one timer turn, so its start is folded into the result (started: true)
    const first = t.coord.of('result')[0];
    expect(first?.ack).toBe(2); // sync_result = 1, assign = 2
    expect(first?.started).toBe(true);
    // the same assign again (same seq): ignored, re-acked
    t.coord.current.send(encode({ v: PROTOCOL_VERSION, type: 'assign', seq: 2, executionId: 'ex1', attempt: 1, leaseToken: 'ls_ex1', kind: 'echo', params: { value: 7 } }));
    await t.tick(50);
    expect(t.coord.of('started')).toHaveLength(0);
    expect(t.coord.of('result')).toHaveLength(1);
    expect(t.coord.of('ack').at(-1)?.ack).toBe(2);
  });

  it('keeps results until acknowledged; an ack releases them', async () => {
    const t = setup();
    t.coord.autoAck = false;
    t.worker.start();
    await t.flush();
    t.coord.assign({ executionId: 'ex1', kind: 'echo', params: { value: { a: 1 } } });
    await t.flush();
    expect(t.coord.of('result')[0]).toMatchObject({ outcome: 'completed', result: { a: 1 } });
    expect(t.worker.stats()).toMatchObject({ unacked: 1, heldResults: 1 }); // the result, its start folded in (sync_result acked the sync)
    t.coord.ackAll();
    await t.flush();
    expect(t.worker.stats()).toMatchObject({ unacked: 0, heldResults: 0 });
  });

  it('fails an unknown task kind with unknown_task_kind', async () => {
    const t = setup();
    t.worker.start();
    await t.flush();
    t.coord.assign({ executionId: 'ex1', kind: 'nope', params: {} });
    await t.flush();
    expect(t.coord.of('result')[0]).toMatchObject({ outcome: 'failed', error: { code: 'unknown_task_kind' } });
  });

  it('reconnects after a drop mid-task with backoff, reports the held task, and completes it once', async () => {
    const t = setup();
    t.worker.start();
    await t.flush();
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
    const t = setup();
    t.worker.start();
    await t.flush();
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
    const t = setup();
    t.worker.start();
    await t.flush();
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
    const t = setup();
    t.worker.start();
    await t.flush();
    t.coord.assign({ executionId: 'ex1', kind: 'sleep', params: { durationMs: 5000 } });
    await t.tick(100);
    t.coord.revokeOnSync = ['ex1'];
    t.coord.current.terminate();
    await t.tick(200);
    expect(t.of('task_aborted')).toMatchObject([{ executionId: 'ex1', reason: 'revoked' }]);
    expect(t.coord.of('result')[0]).toMatchObject({ executionId: 'ex1', outcome: 'revoked' });
    expect(t.worker.stats().running).toBe(0);
  });

  it('pauses a sleep at a checkpoint on abort(pause), ignoring an abort with the wrong lease', async () => {
    const t = setup();
    t.worker.start();
    await t.flush();
    t.coord.assign({ executionId: 'ex1', kind: 'sleep', params: { durationMs: 3000, checkpointEveryMs: 1000 } });
    await t.tick(1500);
    t.coord.send({ type: 'abort', executionId: 'ex1', leaseToken: 'someone-else', reason: 'cancel' });
    await t.flush();
    expect(t.worker.stats().running).toBe(1);
    t.coord.send({ type: 'abort', executionId: 'ex1', leaseToken: 'ls_ex1', reason: 'pause' });
    await t.flush();
    expect(t.coord.of('checkpoint').map((c) => c.checkpoint)).toEqual([
      { seq: 1, state: { elapsedMs: 1000 } },
      { seq: 2, state: { elapsedMs: 1500 } },
    ]);
    expect(t.coord.of('result')[0]).toMatchObject({ outcome: 'paused', durationMs: 1500 });
  });

  it('resumes a sleep from the checkpoint in the assignment', async () => {
    const t = setup();
    t.worker.start();
    await t.flush();
    t.coord.assign({ executionId: 'ex1', attempt: 2, kind: 'sleep', params: { durationMs: 3000, checkpointEveryMs: 1000 }, checkpoint: { seq: 4, state: { elapsedMs: 2000 } } });
    await t.tick(1000);
    expect(t.coord.of('result')[0]).toMatchObject({ outcome: 'completed', durationMs: 1000, result: { resumedFromMs: 2000, sleptMs: 1000 } });
    t.coord.assign({ executionId: 'ex2', kind: 'sleep', params: { durationMs: 3000, checkpointEveryMs: 1000 }, checkpoint: { seq: 4, state: { elapsedMs: 1000 } } });
    await t.tick(1000);
    expect(t.coord.of('checkpoint').map((c) => c.checkpoint.seq)).toEqual([5]);
  });

  it('times an attempt out at its timeoutMs', async () => {
    const t = setup();
    t.worker.start();
    await t.flush();
    t.coord.assign({ executionId: 'ex1', kind: 'sleep', params: { durationMs: 5000 }, timeoutMs: 300 });
    await t.tick(300);
    expect(t.coord.of('result')[0]).toMatchObject({ outcome: 'timeout', durationMs: 300, error: { code: 'timeout' } });
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
    const t = setup();
    t.worker.start();
    await t.flush();
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

  it('stops at once without drain', async () => {
    const t = setup();
    t.worker.start();
    await t.flush();
    t.coord.assign({ executionId: 'ex1', kind: 'sleep', params: { durationMs: 60_000 } });
    await t.tick(10);
    await t.worker.stop({ drain: false });
    expect(t.worker.state).toBe('stopped');
    expect(t.coord.of('drain')).toHaveLength(0);
    expect(t.of('task_aborted').map((e) => e.reason)).toEqual(['shutdown']);
    await t.tick(60_000);
    expect(t.transport.connectCalls).toBe(1);
  });

  it('sends an explicit ack when nothing else goes out', async () => {
    const t = setup();
    t.worker.start();
    await t.flush();
    const before = t.coord.of('ack').length;
    t.coord.send({ type: 'abort', executionId: 'nothing-here', leaseToken: 'x', reason: 'cancel' }); // seq 2
    await t.tick(4);
    expect(t.coord.of('ack')).toHaveLength(before);
    await t.tick(1);
    expect(t.coord.of('ack').slice(before).map((a) => a.ack)).toEqual([2]);
  });

  it('signs every message after register when the coordinator asks for it', async () => {
    const t = setup({ coord: { secret: 'k', signMessages: true }, worker: { secret: 'k' } });
    t.worker.start();
    await t.flush();
    t.coord.assign({ executionId: 'ex1', kind: 'echo', params: { value: 1 } });
    await t.flush();
    expect(t.coord.of('result')[0]).toMatchObject({ outcome: 'completed', result: 1 });
    const frames = t.transport.connections[0]!.sent.map((f) => JSON.parse(f) as { type: string; sig?: string });
    expect(frames.filter((f) => f.type !== 'register').every((f) => typeof f.sig === 'string')).toBe(true);
    expect(t.worker.state).toBe('ready');
  });

  it('enforces the concurrency limit and frees capacity as soon as an attempt settles', async () => {
    const t = setup();
    t.worker.start();
    await t.flush();
    t.coord.assign({ executionId: 'ex1', kind: 'sleep', params: { durationMs: 100 } });
    t.coord.assign({ executionId: 'ex2', kind: 'sleep', params: { durationMs: 100 } });
    await t.flush();
    expect(t.coord.of('result')[0]).toMatchObject({ executionId: 'ex2', outcome: 'revoked', error: { code: 'unavailable' } });
    await t.tick(100);
    t.coord.assign({ executionId: 'ex3', kind: 'fail', params: { times: 1 } });
    await t.flush();
    expect(t.coord.of('result').map((r) => [r.executionId, r.outcome])).toEqual([
      ['ex2', 'revoked'],
      ['ex1', 'completed'],
      ['ex3', 'failed'],
    ]);
  });

  it('turns a result larger than maxFrameBytes into a failure instead of re-sending it forever', async () => {
    const t = setup({ worker: { maxFrameBytes: 4096, concurrency: 2 } });
    t.worker.start();
    await t.flush();
    t.coord.assign({ executionId: 'ex1', kind: 'big', params: { size: 3000 } });
    t.coord.assign({ executionId: 'ex2', kind: 'big', params: { size: 5000 } });
    await t.tick(10);
    expect(t.coord.of('result').map((r) => [r.executionId, r.outcome, r.error?.code])).toEqual([
      ['ex1', 'completed', undefined],
      ['ex2', 'failed', 'too_large'],
    ]);
    expect(() => t.worker.sendData('y'.repeat(5000))).toThrow(/exceeds maxFrameBytes 4096/);
  });

  it("measures results against the coordinator's announced frame limit when it is below its own", async () => {
    const t = setup({ coord: { maxFrameBytes: 4096 }, worker: { concurrency: 2 } });
    t.worker.start();
    await t.flush();
    t.coord.assign({ executionId: 'ex1', kind: 'big', params: { size: 3000 } });
    t.coord.assign({ executionId: 'ex2', kind: 'big', params: { size: 5000 } });
    await t.tick(10);
    expect(t.coord.of('result').map((r) => [r.executionId, r.outcome, r.error?.code])).toEqual([
      ['ex1', 'completed', undefined],
      ['ex2', 'failed', 'too_large'],
    ]);
    expect(t.of('task_finished').map((e) => e.errorCode)).toEqual([undefined, 'too_large']);
    expect(() => t.worker.sendData('y'.repeat(5000))).toThrow(/exceeds maxFrameBytes 4096/);
  });

  it('says when the outbox refuses data: its capacity is full of bounded messages', async () => {
    const t = setup({ worker: { outboxCapacity: 2 } });
    t.worker.start();
    await t.flush();
    t.transport.connections[0]!.bufferedAmount = 2 * 1024 * 1024;
    expect([t.worker.sendData('a'), t.worker.sendData('b'), t.worker.sendData('c')]).toEqual([true, true, false]);
    expect(t.worker.stats()).toMatchObject({ outboxDepth: 2, outboxCapacity: 2 });
  });

  it('holds the outbox while the transport is backed up and resumes when it drains', async () => {
    const t = setup();
    t.worker.start();
    await t.flush();
    const conn = t.transport.connections[0]!;
    conn.bufferedAmount = 2 * 1024 * 1024;
    expect(t.worker.sendData('held')).toBe(true);
    await t.tick(50);
    expect(t.worker.stats().outboxDepth).toBe(1);
    expect(t.coord.of('data')).toHaveLength(0);
    conn.bufferedAmount = 0;
    await t.tick(5);
    expect(t.coord.of('data').map((d) => d.payload)).toEqual(['held']);
    expect(t.worker.stats().outboxDepth).toBe(0);
  });

  it('sendData applies backpressure when the outbox is full', async () => {
    const t = setup({ worker: { outboxCapacity: 3 } });
    t.worker.start(); // not connected yet: data waits in the outbox
    expect([t.worker.sendData('a'), t.worker.sendData('b'), t.worker.sendData('c'), t.worker.sendData('d')]).toEqual([true, true, true, false]);
    await t.flush();
    expect(t.coord.of('data').map((d) => d.payload)).toEqual(['a', 'b', 'c']);
    expect(t.worker.sendData('e')).toBe(true);
  });
});
