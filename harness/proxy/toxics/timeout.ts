/**
 * timeout {timeout} (ms): drops all data. With timeout > 0 the connection is
 * closed `timeout` ms after the toxic started or after the last data that
 * reached it, whichever is later: each chunk restarts the timer (Toxiproxy's
 * Pipe selects on a fresh time.After each loop). With 0 it holds the
 * connection forever. Removing the toxic closes the connection (Toxiproxy's
 * Cleanup), so a healed partition looks like a drop.
 */
import type { TimerHandle } from '../../../system/core/index.js';
import type { ToxicDefinition } from './types.js';

export const timeoutToxic: ToxicDefinition = {
  type: 'timeout',
  attributes: [['timeout', 'int']],
  closeOnRemove: true,
  run(ctx, a) {
    const timeout = a['timeout'] ?? 0;
    let timer: TimerHandle | undefined;
    const arm = (): void => {
      if (timeout <= 0) return;
      timer?.cancel();
      timer = ctx.setTimer(() => ctx.close(), timeout);
    };
    arm();
    return {
      write: (chunk) => {
        ctx.discard(chunk.data.length);
        arm();
      },
      end: () => ctx.close(),
      interrupt: () => ({ chunks: [], ended: false }),
    };
  },
};
