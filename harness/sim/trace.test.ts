/**
 * Trace.frame() and Trace.event() are the allocation-free forms of
 * record(Frame, ...) and record(Event, ...): the same lines, the same hash,
 * the same counts, or every trace hash of earlier runs would move.
 */
import { describe, expect, it } from 'vitest';
import { Trace, TraceKind } from './trace.js';

describe('Trace', () => {
  it('frame() and event() write exactly what record() writes', () => {
    let now = 0;
    const a = new Trace(() => now, true);
    const b = new Trace(() => now, true);
    for (let i = 0; i < 3000; i++) {
      now = i * 7;
      const text = `{"v":2,"type":"ping","id":${i},"t":${now}}`;
      a.record(TraceKind.Frame, `c${i % 5}>`, text);
      b.frame(`c${i % 5}>`, text);
      const json = JSON.stringify({ type: 'msg_sent', seq: i, dir: 'to|worker' });
      a.record(TraceKind.Event, json);
      b.event(json);
    }
    expect(b.lines).toEqual(a.lines);
    expect(b.digest()).toBe(a.digest());
    expect([b.count, b.frames]).toEqual([a.count, a.frames]);
    expect(a.frames).toBe(3000);
  });
});
