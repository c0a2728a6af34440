/**
 * limit_data {bytes}: passes the first `bytes` bytes of the connection's
 * direction, then closes it. The count survives updates (per-connection state).
 */
import type { ToxicDefinition } from './types.js';

export const limitDataToxic: ToxicDefinition = {
  type: 'limit_data',
  attributes: [['bytes', 'int']],
  run(ctx, a) {
    const limit = a['bytes'] ?? 0;
    const sent = (): number => ctx.state['transmitted'] ?? 0;
    return {
      write: (chunk) => {
        const remaining = Math.max(0, limit - sent());
        const data = remaining < chunk.data.length ? chunk.data.subarray(0, remaining) : chunk.data;
        if (data.length < chunk.data.length) ctx.discard(chunk.data.length - data.length);
        if (data.length > 0) {
          ctx.push({ data, ts: chunk.ts });
          ctx.state['transmitted'] = sent() + data.length;
        }
        if (limit - sent() <= 0) ctx.close();
      },
      end: () => ctx.close(),
      interrupt: () => ({ chunks: [], ended: false }),
    };
  },
};
