import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, Raw, start, tick, until, type Msg } from './raw-worker.js';

// The coordinator's sessions: replacement, acks after commit, assignment, resume, sync, aborts, heartbeats, drain.
afterEach(closeAll);

describe('coordinator sessions and identity', () => {
  it('a second connection with the same id replaces the first (4409); the old close does not remove the new one', async () => {
    const { c, events } = await start();
    const first = await Raw.open(c);
    await first.registered('dup');
    const second = await Raw.open(c);
    await second.registered('dup');
    expect(await first.closedWith()).toBe(4409);
    expect(first.of('error')[0]?.code).toBe('replaced');
    await tick(30);
    const [w] = c.workers();
    expect(c.workers()).toHaveLength(1);
    expect(w?.state).toBe('connected');
    expect(w?.reconnects).toBe(1);
    expect(events.filter((e) => e.type === 'worker_replaced')).toHaveLength(1);
    expect(second.closed).toBeUndefined();
  });

  it('acks a worker message only after the engine committed it, in seq order, and drops duplicates', async () => {
    const { c, engine } = await start();
    const r = await Raw.open(c);
    await r.registered('w1');
    engine.holdCommits = true;
    const s1 = r.reliable({ type: 'started', executionId: 'ex_a', attempt: 1, leaseToken: 'ls_a' });
    const s2 = r.reliable({ type: 'started', executionId: 'ex_b', attempt: 1, leaseToken: 'ls_b' });
    r.reliable({ type: 'started', executionId: 'ex_b', attempt: 1, leaseToken: 'ls_b' }, s2); // re-send
    await until(() => engine.held.length === 2, 'two commits pending');
    engine.held[1]?.resolve();
    await tick(40);
    expect(r.acked).toBe(0); // seq 2 committed, seq 1 not: the cumulative ack cannot move
    engine.held[0]?.resolve();
    await until(() => r.acked === s2, 'ack of both');
    expect(s1).toBe(1);
    expect(engine.count('onStarted')).toBe(2);
  });

  it('sends assignments only after the claim committed, fills each worker to its concurrency, refills on results', async () => {
    const { c, engine } = await start();
    const a = await Raw.open(c);
    await a.registered('a');
    const b = await Raw.open(c);
    await b.registered('b');
    engine.holdCommits = true;
    for (let i = 1; i <= 5; i++) engine.add(`ex_${i}`);
    await until(() => engine.held.length === 4, 'four claims');
    await tick(20);
    expect(a.of('assign').length + b.of('assign').length).toBe(0);
    engine.holdCommits = false;
    for (const d of engine.held.splice(0)) d.resolve();
    await until(() => a.of('assign').length + b.of('assign').length === 4, 'four assigns');
    expect(a.of('assign')).toHaveLength(2);
    expect(b.of('assign')).toHaveLength(2);
    const done = a.of('assign')[0] as Msg;
    a.reliable({ type: 'result', executionId: done.executionId, attempt: 1, leaseToken: done.leaseToken, outcome: 'completed', result: 1, durationMs: 3 });
    await until(() => a.of('assign').length === 3, 'the fifth task goes to the worker with free capacity');
    expect(engine.ready).toHaveLength(0);
  });

  it('resumes a session: re-sends unacked assignments above lastSeq, counts one reconnect and its duration', async () => {
    const { c, engine } = await start();
    const r1 = await Raw.open(c);
    const reg = await r1.registered('w1');
    engine.add('ex_1');
    await until(() => r1.of('assign').length === 1, 'assign');
    r1.ws.terminate();
    await until(() => c.workers()[0]?.state === 'disconnected', 'disconnected');
    engine.add('ex_2'); // claimed while away? no: only connected workers get claims
    const r2 = await Raw.open(c);
    const again = await r2.registered('w1', { resume: { sessionId: reg.sessionId, lastSeq: 0 } });
    expect(again).toMatchObject({ resumed: true, sessionId: reg.sessionId, lastSeq: 0 });
    await until(() => r2.of('assign').length === 2, 're-sent and new assignment');
    expect(r2.of('assign').map((m) => m.executionId)).toEqual(['ex_1', 'ex_2']);
    expect(r2.of('assign')[0]?.seq).toBe(1);
    // the sync counts the re-sent assignment as held: it is confirmed, not re-queued
    r2.reliable({ type: 'sync', tasks: [] });
    await until(() => r2.of('sync_result').length === 1, 'sync_result');
    expect(r2.of('sync_result')[0]?.confirm).toEqual(['ex_1', 'ex_2']);
    expect(c.workers()[0]?.reconnects).toBe(1);
    const text = (await c.metrics.text()).body;
    expect(text).toMatch(/squall_reconnects_total 1\b/);
    expect(text).toMatch(/squall_reconnect_duration_seconds_count 1\b/);
  });

  it('counts a claim still committing as held when the worker syncs', async () => {
    const { c, engine } = await start();
    const r = await Raw.open(c);
    await r.registered('w1');
    engine.holdCommits = true;
    engine.add('ex_slow');
    await until(() => engine.held.length === 1, 'claim committing');
    engine.holdCommits = false;
    r.reliable({ type: 'sync', tasks: [] });
    await until(() => r.of('sync_result').length === 1, 'sync_result');
    expect(r.of('sync_result')[0]?.confirm).toEqual(['ex_slow']);
    engine.held[0]?.resolve();
    await until(() => r.of('assign').length === 1, 'assign after commit');
  });

  it('starts a new session when the resume token is unknown', async () => {
    const { c } = await start();
    const r = await Raw.open(c);
    const reg = await r.registered('w1', { resume: { sessionId: 'ss_gone', lastSeq: 7 } });
    expect(reg).toMatchObject({ resumed: false, lastSeq: 0 });
  });

  it('sends engine aborts as reliable messages, queued across a disconnect', async () => {
    const { c, engine } = await start();
    const r1 = await Raw.open(c);
    const reg = await r1.registered('w1');
    r1.ws.terminate();
    await until(() => c.workers()[0]?.state === 'disconnected', 'disconnected');
    engine.dispatcher?.abort('w1' as never, 'ex_9' as never, 'ls_9' as never, 'cancel');
    const r2 = await Raw.open(c);
    await r2.registered('w1', { resume: { sessionId: reg.sessionId, lastSeq: 0 } });
    await until(() => r2.of('abort').length === 1, 'abort after resume');
    expect(r2.of('abort')[0]).toMatchObject({ executionId: 'ex_9', leaseToken: 'ls_9', reason: 'cancel', seq: 1 });
  });

  it('answers pings, drops a silent connection after the heartbeat timeout, marks the worker lost after leaseMs', async () => {
    const { c, events } = await start({ heartbeatMs: 20, heartbeatTimeoutMs: 100, leaseMs: 150 });
    const r = await Raw.open(c);
    await r.registered('quiet');
    r.send({ type: 'ping', id: 7, t: 123 });
    await until(() => r.of('pong').length === 1, 'pong');
    expect(r.of('pong')[0]).toMatchObject({ id: 7, t: 123 });
    r.answerPings = false;
    expect(await r.closedWith()).toBe(1006);
    expect(events.some((e) => e.type === 'heartbeat_timeout')).toBe(true);
    await until(() => c.workers()[0]?.state === 'lost', 'lost');
    expect(events.filter((e) => e.type === 'worker_lost')).toHaveLength(1);
  });

  it('stops assigning to a draining worker', async () => {
    const { c, engine } = await start();
    const r = await Raw.open(c);
    await r.registered('w1');
    r.reliable({ type: 'drain' });
    await until(() => r.acked === 1, 'drain acked');
    engine.add('ex_1');
    await tick(40);
    expect(r.of('assign')).toHaveLength(0);
    expect(c.workers()[0]?.draining).toBe(true);
  });
});
