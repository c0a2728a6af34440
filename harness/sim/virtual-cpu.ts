/**
 * The `cpu` task kind's Cpu seam in the simulation: production's sliced
 * burn (system/core/cpu.ts slicedCpu) on virtual time. Each slice holds the
 * simulated process's event loop (Host.busy: as under SIGSTOP, nothing it
 * receives is read and no timer fires) for the slice's length, and the burn
 * sees its own clock move by it; the yield between slices is setImmediate's:
 * burns that yielded in one check phase run their next slices back to back
 * in the next, after the event loop read what arrived meanwhile (one 0 ms
 * timer of the process per round, which fires once the slices are over and
 * the deliveries they held were handled). So an abort is
 * honoured at the end of the slice it lands in (not at all in the last
 * slice: the loop ends first), pings go out between slices, burns running
 * at once share the process's one thread, and a burn that never yields
 * holds the worker's event loop for its whole duration (no ping, no abort
 * read), which the run then shows (promises 10, 24).
 */
import { type Clock, type Cpu, slicedCpu } from '../../system/core/index.js';

/** The process's event loop, as a burn holds it (Host.busy). */
export interface BusyLoop {
  busy(ms: number): void;
}

/** A Cpu burning virtual time on `clock`, holding `loop` (the worker's host) through each slice. */
export function virtualCpu(clock: Clock, loop?: BusyLoop): Cpu {
  // How far the process's thread has run ahead of virtual time while it spun (its own view of now).
  let ahead = -Infinity;
  const now = (): number => Math.max(clock.monotonic(), ahead);
  // setImmediate: what yields in one check phase runs in the next, after the event loop read what arrived meanwhile.
  let immediates: (() => void)[] = [];
  const setImmediate = (fn: () => void): void => {
    immediates.push(fn);
    if (immediates.length > 1) return;
    clock.setTimeout(() => {
      const due = immediates;
      immediates = [];
      for (const f of due) f();
    }, 0);
  };
  const sliced = slicedCpu({
    now,
    spin(until) {
      const ms = until - clock.monotonic();
      ahead = until;
      loop?.busy(ms);
    },
    yieldToLoop: () => new Promise<void>((resolve) => setImmediate(resolve)),
  });
  return {
    async burn(ms, signal) {
      await sliced.burn(ms, signal);
      // What runs after the burn runs once the thread's spinning is over (a burn that never yielded ends later than it returned).
      const behind = ahead - clock.monotonic();
      if (behind > 0) await new Promise<void>((resolve) => clock.setTimeout(resolve, behind));
    },
  };
}
