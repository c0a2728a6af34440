/** The forged-mac attack's malformed MACs (harness/scenario/adversary.ts), judged by promise 8 (harness/check/promises-adversary.ts). */

/**
 * Malformed registration MACs, each on a connection of its own (forged-mac): the ones of 64 characters
 * pass the schema's length and reach authenticate, which must refuse them 4401 whatever their bytes
 * (a MAC longer in UTF-8 than in characters made timingSafeEqual throw: blind set 20 #28); the others
 * are refused by the schema (4400). Promise 8 wants each closed with one of those codes.
 */
export const MALFORMED_MACS: readonly { shape: string; mac: string; codes: readonly number[] }[] = [
  { shape: 'non-ascii-64', mac: 'é'.repeat(64), codes: [4401] },
  { shape: 'mixed-non-ascii-64', mac: `${'a'.repeat(62)}\u{1F511}`, codes: [4401] },
  { shape: 'non-hex-64', mac: 'z'.repeat(64), codes: [4401] },
  { shape: 'upper-hex-64', mac: 'ABCDEF0123456789'.repeat(4), codes: [4401] },
  { shape: 'short-63', mac: 'a'.repeat(63), codes: [4400, 4401] },
  { shape: 'long-65', mac: 'a'.repeat(65), codes: [4400, 4401] },
  { shape: 'empty', mac: '', codes: [4400, 4401] },
];
