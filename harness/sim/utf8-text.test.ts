import { describe, expect, it } from 'vitest';
import { utf8Text } from './utf8-text.js';

describe('utf8Text', () => {
  it('is exactly the bytes asked, of 1-4 byte characters, the same for the same seed', () => {
    for (const bytes of [0, 1, 2, 3, 4, 5, 97, 4096, 65_535, 65_536, 65_537]) {
      const text = utf8Text(bytes, bytes * 7 + 1);
      expect(Buffer.byteLength(text, 'utf8')).toBe(bytes);
      expect(utf8Text(bytes, bytes * 7 + 1)).toBe(text);
      expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
    }
    const widths = new Set([...utf8Text(4096, 3)].map((c) => Buffer.byteLength(c)));
    expect([...widths].sort()).toEqual([1, 2, 3, 4]);
    expect(utf8Text(4096, 3).length).toBeLessThan(3000);
  });
});
