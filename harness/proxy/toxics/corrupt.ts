/**
 * corrupt {probability}: squall's own extension, in no Toxiproxy release.
 * Flips each bit independently with the given probability, drawing positions
 * from the seeded stream, so a seed repeats the same flips. The API refuses
 * it ("invalid toxic type", as a real Toxiproxy does) unless the server was
 * started with extensions on (`squall proxy --extensions`; the live harness's
 * own proxy has them on).
 */
import type { Random } from '../../../system/core/index.js';
import type { ToxicDefinition } from './types.js';

/** Flips bits of data in place; returns how many bits flipped. */
export function flipBits(data: Buffer, probability: number, random: Random): number {
  const bits = data.length * 8;
  if (probability <= 0 || bits === 0) return 0;
  if (probability >= 1) {
    for (let i = 0; i < data.length; i++) data[i] = (data[i] ?? 0) ^ 0xff;
    return bits;
  }
  // Geometric gaps between flipped bits: O(flips), not O(bits).
  const logq = Math.log(1 - probability);
  let flips = 0;
  let pos = -1;
  for (;;) {
    const u = 1 - random.float(); // (0, 1]
    pos += 1 + Math.floor(Math.log(u) / logq);
    if (pos >= bits) return flips;
    const byte = pos >> 3;
    data[byte] = (data[byte] ?? 0) ^ (1 << (pos & 7));
    flips++;
  }
}

export const corruptToxic: ToxicDefinition = {
  type: 'corrupt',
  extension: true,
  attributes: [['probability', 'float']],
  run(ctx, a) {
    const p = a['probability'] ?? 0;
    return {
      write: (chunk) => {
        const data = Buffer.from(chunk.data); // never mutate a buffer the source may reuse
        flipBits(data, p, ctx.random);
        ctx.push({ data, ts: chunk.ts });
      },
      end: () => ctx.close(),
      interrupt: () => ({ chunks: [], ended: false }),
    };
  },
};
