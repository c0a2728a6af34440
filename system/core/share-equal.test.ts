import { describe, expect, it } from 'vitest';
import { shareEqual } from './share-equal.js';

describe('shareEqual', () => {
  it('gives back the object it kept for an equal one, field by field', () => {
    const share = shareEqual<{ a: number; b: string }>();
    const first = share({ a: 1, b: 'x' });
    expect(share({ a: 1, b: 'x' })).toBe(first);
  });

  it('keeps a different value, and only the last one', () => {
    const share = shareEqual<{ a: number; b?: number }>();
    const one = share({ a: 1 });
    const two = { a: 2 };
    expect(share(two)).toBe(two);
    expect(share({ a: 1 })).not.toBe(one);
    expect(share({ a: 1, b: undefined })).not.toBe(one); // another field list is another value
  });

  it('takes strings, compared by content (identity is not observable for strings)', () => {
    const share = shareEqual<string>();
    const url = share(['ws://h', '/ws'].join(''));
    expect(share(['ws://', 'h/ws'].join(''))).toBe(url);
    expect(share('ws://other/ws')).toBe('ws://other/ws');
  });
});
