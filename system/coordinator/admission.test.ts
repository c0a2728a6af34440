import { describe, expect, it } from 'vitest';
import { Admission } from './admission.js';
import type { Clock } from '../core/clock.js';

function fakeClock(): Clock & { t: number } {
  const c = { t: 0, monotonic: () => c.t, now: () => c.t } as unknown as Clock & { t: number };
  return c;
}

describe('Admission', () => {
  it('admits up to maxPending handshakes; a finished one frees a slot', () => {
    const a = new Admission(fakeClock(), 2);
    expect([a.admit(), a.admit(), a.admit()]).toEqual([true, true, false]);
    a.done(true);
    expect(a.admit()).toBe(true);
    expect(a.pending).toBe(2);
  });

  it('refusals of one burst get increasing hints at the measured registration interval', () => {
    const clock = fakeClock();
    const a = new Admission(clock, 3, 1, 10_000);
    for (let i = 0; i < 3; i++) a.admit();
    // registrations complete every 10 ms while busy: the interval estimate moves towards 10
    for (let i = 0; i < 40; i++) {
      clock.t += 10;
      a.done(true);
      a.admit();
    }
    const h1 = a.hintMs();
    const h2 = a.hintMs();
    const h3 = a.hintMs();
    expect(h2).toBeGreaterThan(h1);
    expect(h3).toBeGreaterThan(h2);
    // 3 pending + 1 queued at ~10 ms each
    expect(h1).toBeGreaterThanOrEqual(30);
    expect(h1).toBeLessThanOrEqual(45);
  });

  it('hints stay within [min, max]', () => {
    const a = new Admission(fakeClock(), 1, 50, 200);
    a.admit();
    expect(a.hintMs()).toBe(50);
    for (let i = 0; i < 1000; i++) a.hintMs();
    expect(a.hintMs()).toBeLessThanOrEqual(200);
  });

  it('never goes below zero pending on extra done() calls', () => {
    const a = new Admission(fakeClock(), 1);
    a.done(false);
    expect(a.pending).toBe(0);
  });
});
