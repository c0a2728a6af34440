/**
 * slicer {average_size, size_variation, delay}: splits each chunk into
 * pieces of about average_size ± size_variation bytes (Toxiproxy's bisection),
 * with delay microseconds between pieces. Piece sizes come from the seeded stream.
 */
import type { Random } from '../../../system/core/index.js';
import { SerialQueue, type ToxicDefinition } from './types.js';

/** Offsets [s0, e0, s1, e1, ...] slicing [start, end). */
export function sliceOffsets(start: number, end: number, average: number, variation: number, random: Random): number[] {
  const out: number[] = [];
  const stack: [number, number][] = [[start, end]];
  while (stack.length > 0) {
    const [s, e] = stack.pop() as [number, number];
    if (e - s - average <= variation || e - s <= 1) {
      out.push(s, e);
      continue;
    }
    const v = Math.max(0, variation);
    let mid = s + Math.floor((e - s) / 2) + (v > 0 ? random.int(0, 2 * v - 1) - v : 0);
    mid = Math.min(e - 1, Math.max(s + 1, mid));
    stack.push([mid, e], [s, mid]);
  }
  return out;
}

export const slicerToxic: ToxicDefinition = {
  type: 'slicer',
  attributes: [
    ['average_size', 'int'],
    ['size_variation', 'int'],
    ['delay', 'int'],
  ],
  run(ctx, a) {
    const average = a['average_size'] ?? 0;
    const variation = a['size_variation'] ?? 0;
    const delayMs = Math.max(0, a['delay'] ?? 0) / 1000;
    const queue = new SerialQueue(
      (chunk, done) => {
        const offsets = sliceOffsets(0, chunk.data.length, average, variation, ctx.random);
        let i = 0;
        const emit = (): void => {
          while (i < offsets.length) {
            const piece = chunk.data.subarray(offsets[i], offsets[i + 1]);
            i += 2;
            ctx.push({ data: piece, ts: chunk.ts });
            if (delayMs > 0) {
              queue.setHead({ data: chunk.data.subarray(offsets[i] ?? chunk.data.length), ts: chunk.ts });
              ctx.setTimer(i < offsets.length ? emit : done, delayMs);
              return;
            }
          }
          done();
        };
        emit();
      },
      () => ctx.close(),
    );
    return {
      write: (chunk) => queue.add(chunk),
      end: () => queue.add('end'),
      interrupt: () => queue.drain(),
    };
  },
};
