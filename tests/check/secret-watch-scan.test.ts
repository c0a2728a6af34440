/**
 * The secret watch's hex scan (secret-watch.ts, scan) finds a watched 64-hex
 * secret exactly where the regex it replaced did: the windows of each maximal
 * run of 64+ lower-case hex characters. Property test against that reference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretWatch } from '../../harness/scenario/secret-watch.js';

const KEY = '0123456789abcdef'.repeat(4);
const TOKEN = `sqt_${'ab'.repeat(8)}_${KEY}`;

/** The old scan: does any window of a HEX64 run equal KEY? */
function regexFinds(text: string): boolean {
  for (const run of text.match(/[0-9a-f]{64,}/g) ?? []) {
    for (let i = 0; i + 64 <= run.length; i++) if (run.slice(i, i + 64) === KEY) return true;
  }
  return false;
}

function watchFinds(text: string): boolean {
  const notes: unknown[] = [];
  const w = new SecretWatch({ recordInfo: (v: unknown) => void notes.push(v) } as never, undefined);
  w.addTokens([{ token: TOKEN, name: 't' }]);
  w.frame('w1', text, 'coordinator');
  return notes.length > 0;
}

/** Text built from pieces that make hex runs meet, break and straddle the key. */
const pieces = fc.constantFrom(KEY, KEY.slice(0, 63), KEY.slice(1), KEY.slice(5, 40), 'a', '0', 'f', 'g', 'A', '"', ':', ' ', 'é', '0123', 'deadbeef');
const texts = fc.array(pieces, { maxLength: 12 }).map((p) => p.join(''));

describe('secret watch: hex scan', () => {
  it('finds the key exactly where the HEX64 regex scan did', () => {
    fc.assert(fc.property(texts, (t) => {
      expect(watchFinds(t)).toBe(regexFinds(t));
    }), { numRuns: 2000, seed: 36 });
  });

  it('finds the key inside a longer run, at either end of the text, and not when a character breaks it', () => {
    expect(watchFinds(KEY)).toBe(true);
    expect(watchFinds(`{"sig":"ff${KEY}0"}`)).toBe(true);
    expect(watchFinds(`x${KEY}`)).toBe(true);
    expect(watchFinds(`${KEY.slice(0, 30)}g${KEY.slice(30)}`)).toBe(false);
    expect(watchFinds(KEY.toUpperCase())).toBe(false);
    expect(watchFinds(KEY.slice(0, 63))).toBe(false);
  });
});
