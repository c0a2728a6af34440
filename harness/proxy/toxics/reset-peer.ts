/**
 * reset_peer {timeout} (ms): on the first data (or end) in its direction,
 * waits timeout and then resets the connection with TCP RST on both sides;
 * the data is dropped. Peers see ECONNRESET.
 */
import type { ToxicDefinition } from './types.js';

export const resetPeerToxic: ToxicDefinition = {
  type: 'reset_peer',
  attributes: [['timeout', 'int']],
  run(ctx, a) {
    let armed = false;
    const arm = (): void => {
      if (armed) return;
      armed = true;
      ctx.setTimer(() => ctx.reset(), Math.max(0, a['timeout'] ?? 0));
    };
    return {
      write: (chunk) => {
        ctx.discard(chunk.data.length);
        arm();
      },
      end: arm,
      interrupt: () => ({ chunks: [], ended: false }),
    };
  },
};
