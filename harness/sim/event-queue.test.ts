import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../system/core/random.js';
import { EventQueue, type QueuedEvent, type TieBreak } from './event-queue.js';

/** Schedules `sources` sources × `perSource` events all at t=10; returns the firing order as "source:n". */
function sameInstantOrder(tieBreak: TieBreak, seed: number, sources = 8, perSource = 3): string[] {
  const q = new EventQueue(tieBreak, seed);
  const fired: string[] = [];
  for (let n = 0; n < perSource; n++) for (let s = 1; s <= sources; s++) q.push(10, s, (tag: string) => fired.push(tag), `${s}:${n}`);
  drain(q);
  return fired;
}

function drain(q: EventQueue): void {
  for (let e = q.shift(); e !== undefined; e = q.shift()) (e.fn as (a: unknown) => void)(e.arg);
}

describe('EventQueue', () => {
  it('fires in virtual-time order, same-instant events in scheduling order with fifo (whatever the seed)', () => {
    const a = sameInstantOrder('fifo', 1);
    expect(a.slice(0, 3)).toEqual(['1:0', '2:0', '3:0']);
    expect(sameInstantOrder('fifo', 2)).toEqual(a);
  });

  it('orders same-instant events by seed with seeded: same seed same order, another seed another order', () => {
    const one = sameInstantOrder('seeded', 1);
    expect(sameInstantOrder('seeded', 1)).toEqual(one);
    expect(one).not.toEqual(sameInstantOrder('fifo', 1));
    const others = [2, 3, 4, 5].map((seed) => sameInstantOrder('seeded', seed).join());
    expect(others.some((o) => o !== one.join())).toBe(true);
    expect(new Set(others).size).toBeGreaterThan(1);
  });

  it('keeps one source in scheduling order under seeded ties (a process or a stream is never reordered)', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const order = sameInstantOrder('seeded', seed);
      for (let s = 1; s <= 8; s++) expect(order.filter((t) => t.startsWith(`${s}:`))).toEqual([`${s}:0`, `${s}:1`, `${s}:2`]);
    }
  });

  it('matches a sorted reference over random times, sources and cancellations (heap and compaction)', () => {
    const rng = seededRandom(42);
    const q = new EventQueue('seeded', 9);
    const live: QueuedEvent[] = [];
    const cancelled = new Set<QueuedEvent>();
    for (let i = 0; i < 5000; i++) {
      live.push(q.push(rng.int(0, 200), rng.int(1, 20), () => {}, i));
      // Cancel often enough that compaction (dead > 1024 and > half) runs.
      if (rng.float() < 0.6) {
        const victim = live[rng.int(0, live.length - 1)] as QueuedEvent;
        q.cancel(victim);
        cancelled.add(victim);
      }
    }
    const expected = live
      .filter((e) => !cancelled.has(e))
      .sort((a, b) => a.at - b.at || a.rank - b.rank || a.seq - b.seq)
      .map((e) => e.arg);
    expect(q.size).toBe(expected.length);
    const got: unknown[] = [];
    for (let e = q.shift(); e !== undefined; e = q.shift()) got.push(e.arg);
    expect(got).toEqual(expected);
    expect(q.size).toBe(0);
  });

  it('ignores a second cancel and a cancel after firing', () => {
    const q = new EventQueue();
    const a = q.push(1, 0, () => {}, 'a');
    q.push(2, 0, () => {}, 'b');
    q.cancel(a);
    q.cancel(a);
    expect(q.size).toBe(1);
    const b = q.shift();
    expect(b?.arg).toBe('b');
    q.cancel(b as QueuedEvent);
    expect(q.size).toBe(0);
  });
});
