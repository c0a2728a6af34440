/**
 * Test helper for the hand-written fast paths (fast-decode.ts,
 * fast-decode-flow.ts, fast-decode-handshake.ts): both must agree with zod, the single schema source.
 */
import { expect } from 'vitest';

/**
 * Checks one frame: a fast-path result must be exactly zod's (same value,
 * same key order); a declined frame of the usual shape (no mutation) must be
 * one zod rejects too, or the speed-up is silently lost. Returns whether the
 * fast path took the frame.
 */
export function expectAgreesWithZod(fast: unknown, z: { success: boolean; data?: unknown }, mutated: boolean): boolean {
  if (fast !== undefined) {
    expect(z.success).toBe(true);
    expect(fast).toStrictEqual(z.data);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(z.data));
    return true;
  }
  if (!mutated) expect(z.success).toBe(false);
  return false;
}
