/**
 * CPU seam for the `cpu` task kind: production burns real CPU for ms
 * milliseconds; simulation binds a version that waits on the virtual clock
 * (a busy loop would never end there, since virtual time stands still).
 */
export interface Cpu {
  /** Keeps the CPU busy for about ms milliseconds, yielding between slices. */
  burn(ms: number, signal: AbortSignal): Promise<void>;
}

/** Real CPU burning in 5 ms slices, yielding to the event loop between them. */
export const realCpu: Cpu = {
  async burn(ms, signal) {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      signal.throwIfAborted();
      const sliceEnd = Math.min(end, performance.now() + 5);
      let x = 0;
      while (performance.now() < sliceEnd) x = (x * 31 + 7) % 1_000_003;
      await new Promise<void>((r) => setImmediate(r));
    }
  },
};
