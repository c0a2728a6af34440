/**
 * timeout {timeout} (ms): drops all data; after timeout > 0 closes the
 * connection, with 0 holds it forever. Removing the toxic closes the
 * connection (Toxiproxy's Cleanup), so a healed partition looks like a drop.
 */
import type { ToxicDefinition } from './types.js';

export const timeoutToxic: ToxicDefinition = {
  type: 'timeout',
  attributes: [['timeout', 'int']],
  closeOnRemove: true,
  run(ctx, a) {
    const timeout = a['timeout'] ?? 0;
    if (timeout > 0) ctx.setTimer(() => ctx.close(), timeout);
    return {
      write: (chunk) => ctx.discard(chunk.data.length),
      end: () => ctx.close(),
      interrupt: () => ({ chunks: [], ended: false }),
    };
  },
};
