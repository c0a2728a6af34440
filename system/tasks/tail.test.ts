import { describe, expect, it } from 'vitest';
import { demuxDockerLogs } from './container.js';
import { OutputTail, TAIL_BYTES, utf8Tail } from './tail.js';

describe('output tails', () => {
  it('keeps the last 64 KiB in bytes, starting at a whole character', () => {
    const text = `head${'€'.repeat(40_000)}end`; // 120,007 bytes, 40,007 characters
    const tail = utf8Tail(Buffer.from(text));
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(TAIL_BYTES);
    expect(Buffer.byteLength(tail)).toBeGreaterThan(TAIL_BYTES - 3);
    expect(tail.startsWith('€')).toBe(true);
    expect(tail.endsWith('€end')).toBe(true);
  });

  it('leaves short output whole', () => {
    expect(utf8Tail(Buffer.from('ünïcödé'))).toBe('ünïcödé');
  });

  it('a container\'s log tails are counted in bytes too, as the command kind\'s', () => {
    const payload = Buffer.from('€'.repeat(40_000));
    const header = Buffer.alloc(8);
    header[0] = 1;
    header.writeUInt32BE(payload.length, 4);
    const { stdout } = demuxDockerLogs(Buffer.concat([header, payload]));
    expect(Buffer.byteLength(stdout)).toBeLessThanOrEqual(TAIL_BYTES);
    expect(stdout).toBe('€'.repeat(Math.floor(TAIL_BYTES / 3)));
  });
});

/** `bytes` bytes of text in characters of 1-4 bytes, their widths drawn from `seed` (a linear congruential sequence). */
function utf8Text(bytes: number, seed: number): string {
  const chars = ['A', 'ж', '中', '😀'];
  let s = seed;
  let out = '';
  for (let left = bytes; left > 0; ) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const width = Math.min(left, 1 + (s % 4));
    out += chars[width - 1] ?? 'A';
    left -= width;
  }
  return out;
}

describe('OutputTail: a stream kept by its last bytes', () => {
  /** `text`'s bytes pushed in pipe reads of `read` bytes (cuts inside characters). */
  function streamed(text: string, read: number, limit = TAIL_BYTES): string {
    const tail = new OutputTail(limit);
    const all = Buffer.from(text);
    for (let i = 0; i < all.length; i += read) tail.push(all.subarray(i, i + read));
    return tail.text();
  }

  it('keeps exactly what utf8Tail keeps of the whole output, at a character boundary, whatever the reads', () => {
    // 98,304 bytes in 4 KiB reads: the kept chunks are exactly 64 KiB and start inside a character (U+FFFD marks before the fix).
    const cutAtDrop = `A${'中'.repeat(32_767)}AA`; // 98,304 bytes: the 16 reads kept start 1 byte into a '中'
    const generated = ([[98_304, 17], [65_536, 15], [65_537, 16], [40_000, 12], [200_000, 3]] as const).map(([bytes, seed]) => utf8Text(bytes, seed));
    for (const text of [cutAtDrop, ...generated]) {
      for (const read of [4096, 1000, 65_536]) {
        const kept = streamed(text, read);
        expect(kept).toBe(utf8Tail(Buffer.from(text)));
        expect(kept).not.toContain('\ufffd');
        expect(text.endsWith(kept)).toBe(true);
      }
    }
  });

  it('keeps all of an output up to the limit in bytes', () => {
    const text = utf8Text(TAIL_BYTES - 1, 5);
    expect(streamed(text, 4096)).toBe(text);
    expect(streamed('€'.repeat(100), 7, 300)).toBe('€'.repeat(100));
  });
});
