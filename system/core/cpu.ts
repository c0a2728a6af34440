/**
 * CPU seam for the `cpu` task kind. A burn runs in 5 ms slices and yields
 * to the event loop between them (slicedCpu), so a long burn neither stops
 * the worker's heartbeats nor delays an abort by more than a slice. The loop
 * is production's in both modes: realCpu binds it to performance.now, a busy
 * loop and setImmediate; the simulation binds it to virtual time, a slice
 * holding the simulated process's event loop (harness/sim/virtual-cpu.ts).
 */
export interface Cpu {
  /** Keeps the CPU busy for about ms milliseconds, yielding between slices. */
  burn(ms: number, signal: AbortSignal): Promise<void>;
}

/** What a sliced burn runs on: a clock in ms, a busy loop, a yield to the event loop. */
export interface BurnHost {
  /** Monotonic time in ms, as the burning thread sees it. */
  now(): number;
  /** Keeps the thread busy until now() reaches `until` (nothing else runs meanwhile). */
  spin(until: number): void;
  /** Lets the event loop run (I/O, timers) before the next slice. */
  yieldToLoop(): Promise<void>;
}

/** Longest stretch a burn keeps the event loop: an abort is honoured, and pings go out, within it. */
export const CPU_SLICE_MS = 5;

/** A Cpu burning in CPU_SLICE_MS slices on `host`, yielding between them and checking its abort signal before each. */
export function slicedCpu(host: BurnHost): Cpu {
  return {
    async burn(ms, signal) {
      const end = host.now() + ms;
      while (host.now() < end) {
        signal.throwIfAborted();
        host.spin(Math.min(end, host.now() + CPU_SLICE_MS));
        await host.yieldToLoop();
      }
    },
  };
}

/** Real CPU burning: performance.now, a busy loop, setImmediate (an adapter: raw time and scheduling). */
export const realCpu: Cpu = slicedCpu({
  now: () => performance.now(),
  spin(until) {
    let x = 0;
    while (performance.now() < until) x = (x * 31 + 7) % 1_000_003;
  },
  yieldToLoop: () => new Promise<void>((r) => setImmediate(r)),
});
