/**
 * The worker against a scripted fake coordinator over an in-memory transport,
 * on a fake clock: handshake and auth, task flow, acks, pause, signatures,
 * limits and backpressure (connection lifecycle: reconnect.test.ts; drain:
 * drain.test.ts).
 */
import { encode } from '../../system/protocol/codec.js';
import { describe, expect, it } from 'vitest';
import { CloseCode, PROTOCOL_VERSION, registrationMac, type Register, type Welcome } from '../../system/protocol/index.js';
import { connected, setup } from './helpers/setup.js';

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
    const t = await connected();
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
    const t = await connected();
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
    const t = await connected();
    t.coord.assign({ executionId: 'ex1', kind: 'nope', params: {} });
    await t.flush();
    expect(t.coord.of('result')[0]).toMatchObject({ outcome: 'failed', error: { code: 'unknown_task_kind' } });
  });

  it('pauses a sleep at a checkpoint on abort(pause), ignoring an abort with the wrong lease', async () => {
    const t = await connected();
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
    const t = await connected();
    t.coord.assign({ executionId: 'ex1', attempt: 2, kind: 'sleep', params: { durationMs: 3000, checkpointEveryMs: 1000 }, checkpoint: { seq: 4, state: { elapsedMs: 2000 } } });
    await t.tick(1000);
    expect(t.coord.of('result')[0]).toMatchObject({ outcome: 'completed', durationMs: 1000, result: { resumedFromMs: 2000, sleptMs: 1000 } });
    t.coord.assign({ executionId: 'ex2', kind: 'sleep', params: { durationMs: 3000, checkpointEveryMs: 1000 }, checkpoint: { seq: 4, state: { elapsedMs: 1000 } } });
    await t.tick(1000);
    expect(t.coord.of('checkpoint').map((c) => c.checkpoint.seq)).toEqual([5]);
  });

  it('times an attempt out at its timeoutMs', async () => {
    const t = await connected();
    t.coord.assign({ executionId: 'ex1', kind: 'sleep', params: { durationMs: 5000 }, timeoutMs: 300 });
    await t.tick(300);
    expect(t.coord.of('result')[0]).toMatchObject({ outcome: 'timeout', durationMs: 300, error: { code: 'timeout' } });
  });

  it('stops at once without drain', async () => {
    const t = await connected();
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
    const t = await connected();
    const before = t.coord.of('ack').length;
    t.coord.send({ type: 'abort', executionId: 'nothing-here', leaseToken: 'x', reason: 'cancel' }); // seq 2
    await t.tick(4);
    expect(t.coord.of('ack')).toHaveLength(before);
    await t.tick(1);
    expect(t.coord.of('ack').slice(before).map((a) => a.ack)).toEqual([2]);
  });

  it('signs every message after register when the coordinator asks for it', async () => {
    const t = await connected({ coord: { secret: 'k', signMessages: true }, worker: { secret: 'k' } });
    t.coord.assign({ executionId: 'ex1', kind: 'echo', params: { value: 1 } });
    await t.flush();
    expect(t.coord.of('result')[0]).toMatchObject({ outcome: 'completed', result: 1 });
    const frames = t.transport.connections[0]!.sent.map((f) => JSON.parse(f) as { type: string; sig?: string });
    expect(frames.filter((f) => f.type !== 'register').every((f) => typeof f.sig === 'string')).toBe(true);
    expect(t.worker.state).toBe('ready');
  });

  it('enforces the concurrency limit and frees capacity as soon as an attempt settles', async () => {
    const t = await connected();
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

  it.each([
    ["its own maxFrameBytes", { worker: { maxFrameBytes: 4096, concurrency: 2 } }],
    ["the coordinator's announced frame limit when it is below its own", { coord: { maxFrameBytes: 4096 }, worker: { concurrency: 2 } }],
  ] as const)('turns a result larger than %s into a failure instead of re-sending it forever', async (_limit, opts) => {
    const t = await connected(opts);
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
    const t = await connected({ worker: { outboxCapacity: 2 } });
    t.transport.connections[0]!.bufferedAmount = 2 * 1024 * 1024;
    expect([t.worker.sendData('a'), t.worker.sendData('b'), t.worker.sendData('c')]).toEqual([true, true, false]);
    expect(t.worker.stats()).toMatchObject({ outboxDepth: 2, outboxCapacity: 2 });
  });

  it('holds the outbox while the transport is backed up and resumes when it drains', async () => {
    const t = await connected();
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
