// Edges of the backoff functions that mutation testing showed no test pinned
// (docs/MUTATION.md): where in [floor, cap] a draw lands, full-jitter's floor
// of 0, decorrelated jitter's fallback for a missing or bad previous delay,
// and the wording of the option errors.
import { describe, expect, it } from 'vitest';
import type { Random } from '../core/random.js';
import { backoffBounds, backoffDelay, backoffWithDefaults } from './backoff.js';

/** A Random whose float() is always `x`. */
const fixed = (x: number): Random => ({ float: () => x, int: (min) => min, bytes: (n) => new Uint8Array(n), fork: () => fixed(x) });

describe('backoff edges', () => {
  it('maps the draw linearly onto [floor, cap]', () => {
    const cfg = backoffWithDefaults({ strategy: 'equal-jitter', initialMs: 1000, maxMs: 1000 });
    expect(backoffBounds('equal-jitter', cfg, 1)).toEqual({ floorMs: 500, capMs: 1000 });
    expect(backoffDelay(cfg, 1, fixed(0.5))).toBe(750);
    expect(backoffDelay(cfg, 1, fixed(0.1))).toBe(550);
  });

  it('full jitter starts at 0', () => {
    const cfg = backoffWithDefaults({ strategy: 'full-jitter', initialMs: 100, maxMs: 1000 });
    expect(backoffBounds('full-jitter', cfg, 3)).toEqual({ floorMs: 0, capMs: 400 });
    expect(backoffDelay(cfg, 3, fixed(0.25))).toBe(100);
  });

  it('decorrelated jitter treats a missing, negative or non-finite previous delay as the base', () => {
    const cfg = backoffWithDefaults({ strategy: 'decorrelated-jitter', initialMs: 100, maxMs: 10_000 });
    for (const prev of [undefined, -5, 0, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(backoffBounds('decorrelated-jitter', cfg, 2, prev), String(prev)).toEqual({ floorMs: 100, capMs: 300 });
    }
    expect(backoffBounds('decorrelated-jitter', cfg, 2, 1000)).toEqual({ floorMs: 100, capMs: 3000 });
  });

  it('says what was wrong and what would be right', () => {
    expect(() => backoffWithDefaults({ strategy: 'linear' as never })).toThrow(/^backoff\.strategy must be one of none, full-jitter, equal-jitter, decorrelated-jitter; got "linear"$/);
    expect(() => backoffWithDefaults({ initialMs: -1 }, 'fleet.backoff')).toThrow(/^fleet\.backoff\.initialMs must be a finite number >= 0; got -1$/);
    expect(() => backoffWithDefaults({ initialMs: 10, maxMs: 5 })).toThrow(/^backoff\.maxMs must be >= backoff\.initialMs \(got maxMs 5 < initialMs 10\)$/);
    expect(() => backoffWithDefaults({ multiplier: 0.5 })).toThrow(/^backoff\.multiplier must be a finite number >= 1; got 0\.5$/);
    const pathOf = (opts: Parameters<typeof backoffWithDefaults>[0]): string | undefined => {
      try {
        backoffWithDefaults(opts, 'fleet.backoff');
      } catch (err) {
        return (err as { path?: string }).path;
      }
      return undefined;
    };
    expect(pathOf({ strategy: 'linear' as never })).toBe('fleet.backoff.strategy');
    expect(pathOf({ maxMs: Number.NaN })).toBe('fleet.backoff.maxMs');
    expect(pathOf({ initialMs: 10, maxMs: 5 })).toBe('fleet.backoff.maxMs');
    expect(pathOf({ multiplier: 0 })).toBe('fleet.backoff.multiplier');
  });
});
