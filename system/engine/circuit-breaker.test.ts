import { describe, expect, it } from 'vitest';
import { asExecutionId } from '../core/ids.js';
import { CircuitBreakers } from './circuit-breaker.js';
import { fakeClock } from './testing.js';

const cfg = { enabled: true, failureThreshold: 3, resetTimeoutMs: 1000, halfOpenMaxCalls: 2 };
const id = (n: number) => asExecutionId(`ex_${n}`);

describe('CircuitBreakers', () => {
  it('opens after consecutive failures; a success resets the count', () => {
    const time = fakeClock();
    const b = new CircuitBreakers(time.clock, cfg);
    b.onFailure('k', id(1));
    b.onFailure('k', id(2));
    b.onSuccess('k', id(3));
    b.onFailure('k', id(4));
    b.onFailure('k', id(5));
    expect(b.state('k')).toBe('closed');
    b.onFailure('k', id(6));
    expect(b.state('k')).toBe('open');
    expect(b.canPass('k')).toBe(false);
    expect(b.canPass('other')).toBe(true);
  });

  it('half-open lets exactly halfOpenMaxCalls through; success closes, failure reopens', async () => {
    const time = fakeClock();
    let wakes = 0;
    const b = new CircuitBreakers(time.clock, cfg, () => wakes++);
    for (let i = 0; i < 3; i++) b.onFailure('k', id(i));
    await time.tickAsync(1000);
    expect(wakes).toBe(1);
    expect(b.state('k')).toBe('half-open');
    expect(b.canPass('k')).toBe(true);
    b.onClaim('k', id(10));
    expect(b.canPass('k')).toBe(true);
    b.onClaim('k', id(11));
    expect(b.canPass('k')).toBe(false);
    b.onRelease('k', id(11));
    expect(b.canPass('k')).toBe(true);
    b.onFailure('k', id(10));
    expect(b.state('k')).toBe('open');
    await time.tickAsync(1000);
    b.onClaim('k', id(12));
    b.onSuccess('k', id(12));
    expect(b.state('k')).toBe('closed');
    b.onFailure('k', id(13));
    b.onFailure('k', id(14));
    expect(b.state('k')).toBe('closed');
  });

  it('can be disabled', () => {
    const b = new CircuitBreakers(fakeClock().clock, { ...cfg, enabled: false });
    for (let i = 0; i < 10; i++) b.onFailure('k', id(i));
    expect(b.canPass('k')).toBe(true);
    expect(b.state('k')).toBe('closed');
  });
});
