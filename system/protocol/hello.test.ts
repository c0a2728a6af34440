import { describe, expect, it } from 'vitest';
import { decodeHello, encodeHello, helloOfHeaders, HELLO_HEADER, MAX_HELLO_CHARS } from './hello.js';

describe('the 0-RTT hello header', () => {
  it('round-trips register and sync frames, whatever characters they hold', () => {
    const frames = ['{"v":2,"type":"register","workerId":"wé/ü","crc":"00000000"}', '{"v":2,"type":"sync","tasks":[]}'];
    const value = encodeHello(frames);
    expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeHello(value)).toEqual(frames);
  });

  it('is not made past MAX_HELLO_CHARS, nor for no frame or more than two', () => {
    const big = 'x'.repeat(Math.floor((MAX_HELLO_CHARS * 3) / 4) + 1);
    expect(encodeHello([big])).toBeUndefined();
    expect(encodeHello([big.slice(0, 100)])?.length).toBeLessThanOrEqual(MAX_HELLO_CHARS);
    expect(encodeHello([])).toBeUndefined();
    expect(encodeHello(['a', 'b', 'c'])).toBeUndefined();
  });

  it('reads nothing from an absent, over-long, non-base64url or empty-framed value', () => {
    expect(decodeHello(undefined)).toBeUndefined();
    expect(decodeHello('')).toBeUndefined();
    expect(decodeHello('A'.repeat(MAX_HELLO_CHARS + 1))).toBeUndefined();
    expect(decodeHello('not base64!')).toBeUndefined();
    expect(decodeHello(Buffer.from('a\n\nb').toString('base64url'))).toBeUndefined();
    expect(decodeHello(Buffer.from('a\nb\nc').toString('base64url'))).toBeUndefined();
  });

  it('is found in request headers under its lower-case name only as one string', () => {
    expect(helloOfHeaders({ [HELLO_HEADER]: 'abc' })).toBe('abc');
    expect(helloOfHeaders({ [HELLO_HEADER]: ['a', 'b'] })).toBeUndefined();
    expect(helloOfHeaders(undefined)).toBeUndefined();
  });
});
