/** slow_close {delay} (ms): data passes; the close is held back by delay. */
import type { ToxicDefinition } from './types.js';

export const slowCloseToxic: ToxicDefinition = {
  type: 'slow_close',
  attributes: [['delay', 'int']],
  run(ctx, a) {
    let ending = false;
    return {
      write: (chunk) => ctx.push(chunk),
      end: () => {
        ending = true;
        ctx.setTimer(() => ctx.close(), Math.max(0, a['delay'] ?? 0));
      },
      interrupt: () => ({ chunks: [], ended: ending }),
    };
  },
};
