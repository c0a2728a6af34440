/**
 * The `cpu` task kind's Cpu seam in the simulation: it burns virtual time.
 */
import type { Clock, Cpu } from '../../system/core/index.js';

/** realCpu's slice: a busy loop looks at its abort signal only between slices. */
const CPU_SLICE_MS = 5;

/**
 * The `cpu` task kind burns virtual time (a busy loop would never end with
 * time stood still), and honours an abort as realCpu does: at the end of the
 * 5 ms slice it lands in, not at once, and not at all in the last slice
 * (the loop ends first). So an aborted cpu attempt settles a few ms late,
 * as a real CPU-bound task does, and what arrives meanwhile finds it still
 * running.
 */
export function virtualCpu(clock: Clock): Cpu {
  return {
    burn: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason);
        const t0 = clock.monotonic();
        const done = clock.setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        const onAbort = (): void => {
          const sliceEnd = (Math.floor((clock.monotonic() - t0) / CPU_SLICE_MS) + 1) * CPU_SLICE_MS;
          if (sliceEnd >= ms) return;
          done.cancel();
          clock.setTimeout(() => reject(signal.reason), t0 + sliceEnd - clock.monotonic());
        };
        signal.addEventListener('abort', onAbort, { once: true });
      }),
  };
}
