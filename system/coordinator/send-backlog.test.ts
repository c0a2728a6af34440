/**
 * SendBacklog: a connection past half the high-water mark at a send is
 * watched until seen back under it; an empty watch list means no socket can
 * be past the mark (the assignment loop then skips its per-worker test).
 */
import { describe, expect, it } from 'vitest';
import type { LiveConnection } from './context.js';
import { ASSIGN_HIGH_WATER_BYTES, SendBacklog } from './send-backlog.js';

function conn(id: string, bufferedAmount: number): LiveConnection & { bufferedAmount: number } {
  return { connectionId: id, bufferedAmount, timeoutMs: 1000, tick: () => {}, replaceBy: () => {}, shutdown: () => {} };
}

describe('SendBacklog', () => {
  it('marks each time a connection starts being watched, not at every send while it is', () => {
    const hits: string[] = [];
    const b = new SendBacklog({ hit: (m) => void hits.push(m) });
    const a = conn('a', ASSIGN_HIGH_WATER_BYTES / 2 + 1);
    b.sent(a);
    b.sent(a);
    expect(hits).toEqual(['coordinator.send-backlog-watched']);
    a.bufferedAmount = 0;
    expect(b.possible()).toBe(false);
    a.bufferedAmount = ASSIGN_HIGH_WATER_BYTES;
    b.sent(a);
    expect(hits).toHaveLength(2);
  });

  it('watches from half the mark, forgets a connection seen back under it, and again on close', () => {
    const b = new SendBacklog();
    const half = ASSIGN_HIGH_WATER_BYTES / 2;
    const a = conn('a', half);
    b.sent(a);
    expect(b.possible()).toBe(false); // at the line: not watched
    a.bufferedAmount = half + 1;
    b.sent(a);
    expect(b.possible()).toBe(true);
    a.bufferedAmount = ASSIGN_HIGH_WATER_BYTES + 1; // grew past the mark (a send not reported here): still watched
    expect(b.possible()).toBe(true);
    a.bufferedAmount = half; // drained to the line: forgotten ...
    expect(b.possible()).toBe(false);
    a.bufferedAmount = ASSIGN_HIGH_WATER_BYTES + 1;
    expect(b.possible()).toBe(false); // ... until its next send reports it
    b.sent(a);
    expect(b.possible()).toBe(true);
    b.closed(a);
    expect(b.possible()).toBe(false);
  });

  it('keeps the others while forgetting one', () => {
    const b = new SendBacklog();
    const x = conn('x', ASSIGN_HIGH_WATER_BYTES);
    const y = conn('y', ASSIGN_HIGH_WATER_BYTES);
    b.sent(x);
    b.sent(y);
    x.bufferedAmount = 0;
    expect(b.possible()).toBe(true);
    y.bufferedAmount = 0;
    expect(b.possible()).toBe(false);
  });
});
