/**
 * Promise 35 (hygiene), what the run records for it: every process warning
 * Node emits while a simulated run goes on (MaxListenersExceededWarning from
 * an abort listener never removed, a leaked EventEmitter listener, a
 * deprecation...), and, at the final read, the coordinator's idle gauges
 * (harness/sim/idle-gauges.ts): the intervals its process has armed against
 * those it had when it started listening (and each interval's pace:
 * harness/check/promises-interval-pace.ts), and the dashboard streams its
 * event hub holds against those its clients hold open.
 * harness/check/promises-hygiene.ts judges both.
 */
import type { HistoryRecorder } from '../check/history.js';
import type { Simulation } from '../sim/index.js';

/** Listens for process warnings until stop() (which first lets warnings already queued on nextTick arrive). */
export function watchWarnings(recorder: HistoryRecorder): { stop(): Promise<void> } {
  const onWarning = (w: Error & { code?: string }): void => {
    const where = (w.stack ?? '').split('\n').slice(1).map((l) => l.trim()).filter((l) => !l.includes('node:internal')).slice(0, 3);
    recorder.recordInfo({ warning: w.name, message: w.message.slice(0, 300), ...(w.code === undefined ? {} : { code: w.code }), where }, 'node');
  };
  process.on('warning', onWarning);
  return {
    stop: async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      process.off('warning', onWarning);
    },
  };
}

/** The coordinator's idle gauges now, as a note (nothing while it is down). */
export function idleGauges(sim: Simulation): Record<string, unknown> | undefined {
  const c = sim.coordinator;
  if (c.instance === null) return undefined;
  return { intervals: c.host.clock.liveIntervals, bootIntervals: c.bootIntervals, hubStreams: c.instance.uiStreams(), openStreams: c.streams.open, intervalPaces: c.host.clock.intervalPaces() };
}
