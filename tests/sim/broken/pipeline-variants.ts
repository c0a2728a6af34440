/**
 * Deliberately broken pieces of the commit/ack pipeline and of the worker's
 * connection state (blind set 12, misses 10, 12, 21, 24, 25), for
 * tests/sim/broken-pipeline.test.ts. Test doubles only: wired in through
 * SimWiring (onWorker, coordinatorPolicies, engine), never a switch in
 * production code.
 */
import type { Worker } from '../../../system/worker/worker.js';

/** #21: a graceful stop while disconnected stops at once when nothing runs, though finished results still await their ack. */
export function stopDropsUnacked(_id: string, w: Worker): void {
  const link = w as unknown as { sm: { state: string }; runner: { runningCount: number }; finishStop: (reason: string) => void };
  const stop = w.stop.bind(w);
  w.stop = (opts = {}) => {
    const connected = link.sm.state === 'ready' || link.sm.state === 'syncing' || link.sm.state === 'draining';
    if (opts.drain !== false && link.sm.state !== 'stopped' && link.sm.state !== 'idle' && !connected && link.runner.runningCount === 0) {
      link.finishStop('stopped while not connected: nothing to drain');
      return Promise.resolve();
    }
    return stop(opts);
  };
}
