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

/** Raw JSON text spliced in for a field: what JSON.stringify cannot produce (overflow, `__proto__`). */
export class Raw {
  constructor(readonly text: string) {}
}

/** The frame's JSON text with `changes` applied (undefined deletes; Raw values spliced in verbatim; `__proto__` set as an own key). */
export function mutatedText(msg: Record<string, unknown>, changes: ReadonlyArray<readonly [string, unknown]>): string {
  const out: Record<string, unknown> = { ...msg };
  const raws: string[] = [];
  for (const [k, v] of changes) {
    if (v === undefined) delete out[k];
    else if (v instanceof Raw) {
      out[k] = `@@raw${raws.length}@@`;
      raws.push(v.text);
    } else Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return raws.reduce((text, raw, i) => text.replace(`"@@raw${i}@@"`, raw), JSON.stringify(out));
}
