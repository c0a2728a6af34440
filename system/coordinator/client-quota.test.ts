import { describe, expect, it } from 'vitest';
import { ClientQuota, counted } from './client-quota.js';

describe('ClientQuota', () => {
  const statuses = new Map<string, string>();
  const quota = (max: number) => new ClientQuota(max, (id) => statuses.get(id));

  it('holds admitted slots until settled, so a second admission before the first commit sees them', () => {
    const q = quota(3);
    const settle = q.admit('c', 2);
    expect(() => q.admit('c', 2)).toThrow(/has 2 unfinished executions and 2 more would pass its limit of 3/);
    statuses.set('e1', 'pending').set('e2', 'running');
    settle(['e1', 'e2']);
    expect(() => q.admit('c', 2)).toThrow(/has 2 unfinished/);
    q.admit('c', 1)();
  });

  it('frees the slots of a refused submission and forgets terminal executions', async () => {
    const q = quota(2);
    await expect(counted(q, 'c', 2, () => Promise.reject(new Error('store down')), () => [])).rejects.toThrow('store down');
    statuses.set('e3', 'pending').set('e4', 'pending');
    await counted(q, 'c', 2, () => Promise.resolve(['e3', 'e4']), (ids) => ids);
    expect(() => q.admit('c', 1)).toThrow(/has 2 unfinished/);
    statuses.set('e3', 'completed');
    q.admit('c', 1);
  });

  it('a settle called twice releases once', () => {
    const q = quota(2);
    const settle = q.admit('c', 1);
    settle();
    settle();
    const other = q.admit('c', 2);
    expect(() => q.admit('c', 1)).toThrow(/and 1 more/);
    other();
  });
});
