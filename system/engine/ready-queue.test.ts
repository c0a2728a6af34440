import { describe, expect, it } from 'vitest';
import { asExecutionId } from '../core/ids.js';
import { ReadyQueue } from './ready-queue.js';

const id = asExecutionId;

describe('ReadyQueue', () => {
  it('picks priority first, then FIFO, across the kinds asked for', () => {
    const q = new ReadyQueue();
    q.push(id('a'), 'echo', 'low', 1);
    q.push(id('b'), 'sleep', 'high', 2);
    q.push(id('c'), 'echo', 'high', 3);
    q.push(id('d'), 'echo', 'critical', 4);
    expect(q.best(['echo', 'sleep'], () => true)?.id).toBe('d');
    q.remove(id('d'));
    expect(q.best(['echo', 'sleep'], () => true)?.id).toBe('b');
    expect(q.best(['echo'], () => true)?.id).toBe('c');
    expect(q.best(['echo', 'sleep'], (k) => k !== 'sleep')?.id).toBe('c');
    expect(q.best(['other'], () => true)).toBeUndefined();
  });

  it('refuses to queue an execution twice', () => {
    const q = new ReadyQueue();
    expect(q.push(id('a'), 'echo', 'low', 1)).toBe(true);
    expect(q.push(id('a'), 'echo', 'high', 2)).toBe(false);
    expect(q.size).toBe(1);
    q.remove(id('a'));
    expect(q.best(['echo'], () => true)).toBeUndefined();
    expect(q.push(id('a'), 'echo', 'low', 3)).toBe(true);
    expect(q.best(['echo'], () => true)?.seq).toBe(3);
  });
});
