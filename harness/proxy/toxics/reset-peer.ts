/**
 * reset_peer {timeout} (ms): on the first data (or end) in its direction,
 * drops it, waits timeout and closes the connection. As in Toxiproxy, the close is a
 * TCP RST (SO_LINGER 0) only on connections that started while a reset_peer
 * toxic was on the proxy (Toxiproxy sets linger when a link starts); one
 * added to an already open connection closes it with a FIN, like any close.
 * Peers of a reset connection see ECONNRESET.
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
      ctx.setTimer(() => ctx.close(), Math.max(0, a['timeout'] ?? 0));
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
