/**
 * The store thread client (sqlite-thread-client.ts) over a stand-in thread
 * (the StoreThread seam): answers are matched to requests in order, and a
 * thread that dies fails every request it had outstanding and every later
 * one (blind set 17 #25 left the outstanding ones unsettled forever).
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../core/errors.js';
import { SqliteThread, type StoreThread } from './sqlite-thread-client.js';
import type { ThreadAnswer, ThreadRequest } from './sqlite-wire.js';
import type { OpDescriptor } from './sqlite-exec.js';

/** A thread that records what it is sent and answers only when told. */
class StandIn extends EventEmitter implements StoreThread {
  readonly sent: ThreadRequest[] = [];
  postMessage(req: ThreadRequest): void {
    this.sent.push(req);
  }
  ref(): void {}
  unref(): void {}
  terminate(): Promise<number> {
    return Promise.resolve(1);
  }
  answer(a: ThreadAnswer): void {
    this.emit('message', a);
  }
}

const group: OpDescriptor = ['probe'];

describe('SqliteThread over its thread', () => {
  it('settles each request with its own answer, in order', async () => {
    const t = new StandIn();
    const client = SqliteThread.over(t);
    const first = client.run([group]);
    const rows = client.loadAll();
    t.answer({ type: 'group', ok: true, failed: [], values: [[0, 7]] });
    t.answer({ type: 'load', rows: [] });
    await expect(first).resolves.toEqual({ ok: true, failed: [], values: [[0, 7]] });
    await expect(rows).resolves.toEqual([]);
  });

  it('a thread that dies fails every request it had outstanding, and every later one', async () => {
    const t = new StandIn();
    const client = SqliteThread.over(t);
    const outstanding = [client.run([group]), client.run([group])];
    const load = client.loadAll();
    t.emit('error', new Error('out of memory in the thread'));
    t.emit('exit', 1);
    for (const r of await Promise.all(outstanding)) {
      expect(r.ok).toBe(false);
      expect(!r.ok && r.err).toMatchObject({ code: ErrorCode.Unavailable, message: expect.stringMatching(/store commit failed: Error: out of memory in the thread/) });
    }
    await expect(load).rejects.toThrow(/out of memory in the thread/);
    const later = await client.run([group]);
    expect(later.ok).toBe(false);
    expect(t.sent).toHaveLength(3);
  });
});
