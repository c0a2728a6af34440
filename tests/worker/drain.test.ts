/**
 * Graceful stop of a worker: drain, finish what runs, wait for acks; and a
 * drain that runs out of time hands back what still runs before it closes.
 */
import { describe, expect, it } from 'vitest';
import { connected } from './helpers/setup.js';

describe('Worker drain', () => {
  it('drains gracefully: tells the coordinator, finishes the task, flushes the result, closes 1001', async () => {
    const t = await connected();
    t.coord.assign({ executionId: 'ex1', kind: 'sleep', params: { durationMs: 2000 } });
    await t.tick(500);
    let stopped = false;
    void t.worker.stop({ drain: true }).then(() => (stopped = true));
    await t.flush();
    expect(t.worker.state).toBe('draining');
    expect(t.coord.of('drain')).toHaveLength(1);
    expect(stopped).toBe(false);
    await t.tick(1500);
    expect(t.coord.of('result')[0]).toMatchObject({ outcome: 'completed' });
    expect(stopped).toBe(true);
    expect(t.worker.state).toBe('stopped');
    expect(t.transport.openCount()).toBe(0);
  });

  it('gives up draining after timeoutMs: hands back what still runs (revoked), then closes once it is acknowledged', async () => {
    const t = await connected();
    t.coord.assign({ executionId: 'ex1', kind: 'sleep', params: { durationMs: 60_000 } });
    await t.tick(10);
    let stopped = false;
    void t.worker.stop({ drain: true, timeoutMs: 1000 }).then(() => (stopped = true));
    await t.tick(999);
    expect(stopped).toBe(false);
    expect(t.coord.of('result')).toHaveLength(0);
    await t.tick(1);
    await t.flush();
    expect(t.of('task_aborted').map((e) => e.reason)).toEqual(['shutdown']);
    // The hand-back reaches the coordinator before the link closes: the work is re-queued now, not at lease expiry.
    expect(t.coord.of('result')).toMatchObject([{ executionId: 'ex1', outcome: 'revoked' }]);
    expect(stopped).toBe(true);
    expect(t.of('stopped').map((e) => e.reason)).toEqual(['drain timed out']);
    expect(t.transport.openCount()).toBe(0);
  });

  it('a drain that timed out waits at most the hand-back grace for acks, then closes anyway', async () => {
    const t = await connected();
    t.coord.assign({ executionId: 'ex1', kind: 'sleep', params: { durationMs: 60_000 } });
    await t.tick(10);
    t.coord.commit = false; // nothing it receives from now on is acknowledged
    let stopped = false;
    void t.worker.stop({ drain: true, timeoutMs: 5000 }).then(() => (stopped = true));
    await t.tick(5000);
    expect(t.coord.of('result')).toMatchObject([{ executionId: 'ex1', outcome: 'revoked' }]);
    expect(stopped).toBe(false);
    await t.tick(1999);
    expect(stopped).toBe(false);
    await t.tick(1);
    expect(stopped).toBe(true);
    expect(t.transport.openCount()).toBe(0);
  });

  it('the hand-back grace is the worker option handBackGraceMs', async () => {
    const t = await connected({ worker: { handBackGraceMs: 300 } });
    t.coord.assign({ executionId: 'ex1', kind: 'sleep', params: { durationMs: 60_000 } });
    await t.tick(10);
    t.coord.commit = false;
    let stopped = false;
    void t.worker.stop({ drain: true, timeoutMs: 5000 }).then(() => (stopped = true));
    await t.tick(5000);
    await t.tick(299);
    expect(stopped).toBe(false);
    await t.tick(1);
    expect(stopped).toBe(true);
  });

  it('an assign riding on the frame that acknowledges its drain is handed back before the worker stops, not dropped', async () => {
    const t = await connected();
    t.coord.autoAck = false; // the drain is committed, its ack rides on the next frame
    let stopped = false;
    void t.worker.stop({ drain: true }).then(() => (stopped = true));
    await t.flush();
    expect(t.coord.of('drain')).toHaveLength(1);
    // An assign decided just before the drain arrived: its frame also acknowledges the drain.
    t.coord.assign({ executionId: 'ex1', kind: 'sleep', params: { durationMs: 100 } });
    await t.flush();
    expect(t.of('task_started')).toHaveLength(0);
    expect(t.coord.of('result')).toMatchObject([{ executionId: 'ex1', outcome: 'revoked' }]);
    expect(stopped).toBe(false);
    t.coord.ackAll();
    await t.flush();
    expect(stopped).toBe(true);
  });

  it('a draining worker registered in a new session (the coordinator restarted) tells it of the drain again', async () => {
    const t = await connected();
    t.coord.assign({ executionId: 'ex1', kind: 'sleep', params: { durationMs: 5000 } });
    await t.tick(10);
    void t.worker.stop({ drain: true });
    await t.flush();
    expect(t.coord.of('drain')).toHaveLength(1); // acknowledged in the first session
    t.coord.forgetSessions = true;
    t.coord.current.terminate();
    await t.tick(200);
    expect(t.of('connected').at(-1)).toMatchObject({ resumed: false });
    const conn = t.coord.current.id;
    expect(t.coord.received.filter((r) => r.conn === conn && r.msg.type === 'drain')).toHaveLength(1);
  });
});
