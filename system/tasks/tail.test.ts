import { describe, expect, it } from 'vitest';
import { demuxDockerLogs } from './container.js';
import { TAIL_BYTES, utf8Tail } from './tail.js';

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
