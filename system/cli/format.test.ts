import { describe, expect, it } from 'vitest';
import { ago, duration, isoTimes, when } from './format.js';

describe('human times', () => {
  it('says how long ago or until, never epoch ms', () => {
    const now = Date.UTC(2026, 11, 2, 8, 30, 0);
    expect(ago(now - 3_000, now)).toBe('3s ago');
    expect(ago(now - 125_000, now)).toBe('2m5s ago');
    expect(ago(now + 7_200_000, now)).toBe('in 2h0m');
    expect(ago(now - 3 * 86_400_000, now)).toBe('3d0h ago');
    expect(ago(null, now)).toBe('-');
    expect(when(now - 3_000, now)).toBe('2026-12-02T08:29:57.000Z (3s ago)');
    expect(duration(950)).toBe('950ms');
    expect(duration(1500)).toBe('1.5s');
  });

  it('turns every epoch-ms time field of a JSON view into ISO-8601, at any depth', () => {
    const v = isoTimes({ createdAt: 1796200172914, attempts: 2, statusHistory: [{ at: 1796200172914, attempt: 1 }], lease: null, completedAt: null });
    expect(v).toEqual({ createdAt: '2026-12-02T08:29:32.914Z', attempts: 2, statusHistory: [{ at: '2026-12-02T08:29:32.914Z', attempt: 1 }], lease: null, completedAt: null });
  });
});
