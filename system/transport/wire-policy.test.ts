import { describe, expect, it } from 'vitest';
import { CloseCode } from '../protocol/close-codes.js';
import { MAX_CLOSE_REASON_BYTES, isSendableCloseCode, trimCloseReason, wireCloseCode } from './wire-policy.js';

describe('wire policy', () => {
  it('sends every squall close code as it is (the application range 4000-4999)', () => {
    for (const code of Object.values(CloseCode)) expect(wireCloseCode(code)).toBe(code);
    expect(isSendableCloseCode(4000)).toBe(true);
    expect(isSendableCloseCode(4999)).toBe(true);
    expect(isSendableCloseCode(3000)).toBe(true);
  });

  it('replaces codes no endpoint may send by 1011', () => {
    for (const code of [0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 4409.5]) expect(wireCloseCode(code)).toBe(1011);
  });

  it('trims a reason to 123 bytes without splitting a character', () => {
    expect(trimCloseReason('retry-after=50')).toBe('retry-after=50');
    const cut = trimCloseReason(`é${'x'.repeat(200)}`);
    expect(Buffer.byteLength(cut)).toBe(MAX_CLOSE_REASON_BYTES);
    expect(trimCloseReason('€'.repeat(50))).toBe('€'.repeat(41));
  });
});
