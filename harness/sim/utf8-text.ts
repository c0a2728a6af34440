/**
 * Text of an exact UTF-8 byte length, drawn from a fixed seed: characters of
 * 1, 2, 3 and 4 bytes (ASCII, Latin/Cyrillic, CJK, emoji/astral planes), so
 * that every length the system promises in bytes is met by data whose
 * UTF-16 length is far from its byte length (blind set 18 #07, #13, #21:
 * content-length, output tails and frame limits counted in UTF-16 units).
 * Never a lone surrogate, a control character, a quote or a backslash: the
 * text is the same in JSON, in a shell word and on the wire.
 */
import { seededRandom } from '../../system/core/index.js';

/** The code point ranges each width draws from (all printable, none a surrogate). */
const RANGES: Readonly<Record<1 | 2 | 3 | 4, readonly [number, number]>> = {
  1: [0x41, 0x5a], // A-Z
  2: [0x0410, 0x044f], // Cyrillic
  3: [0x4e00, 0x9fff], // CJK unified ideographs
  4: [0x1f300, 0x1f5ff], // pictographs (a surrogate pair in UTF-16)
};

/** A string of exactly `bytes` UTF-8 bytes, characters of 1-4 bytes drawn from `seed` (the last ones as wide as the room left allows). */
export function utf8Text(bytes: number, seed: number): string {
  // The project's one seeded source (system/core/random.ts): the same seed, the same text.
  const random = seededRandom(seed);
  const next = (): number => random.float();
  const chars: string[] = [];
  let left = bytes;
  while (left > 0) {
    const width = Math.min(left, 1 + Math.floor(next() * 4)) as 1 | 2 | 3 | 4;
    const [lo, hi] = RANGES[width];
    chars.push(String.fromCodePoint(lo + Math.floor(next() * (hi - lo + 1))));
    left -= width;
  }
  return chars.join('');
}
