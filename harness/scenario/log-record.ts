/**
 * The simulation's Logger (the system's Logger seam): records the lines the
 * coordinator's rejection log limiter let through (core/log-limiter.ts: they
 * carry the limiter's key as `rejection` and `suppressed`, how many like them
 * were not logged since the last one),
 * and a worker's rate-limited "cannot connect" lines (key `connect`, noted
 * with `worker`), as `log` notes in the history, for promise 8's accounting
 * of a flood (harness/check/promises-log-limiter.ts, -exact.ts). Every other line is dropped, as the
 * silent logger does: the cost is one property test per log call.
 */
import type { Logger } from '../../system/core/index.js';
import type { HistoryRecorder } from '../check/history.js';

/** A Logger that records the coordinator's rate-limited rejection lines and the workers' connect-failure lines. */
export function rejectionLogRecorder(recorder: HistoryRecorder, bindings: Record<string, unknown> = {}): Logger {
  const line = (obj: object): void => {
    if (typeof bindings.process !== 'string' || !('suppressed' in obj)) return;
    const o = obj as Record<string, unknown>;
    const key = o.rejection;
    if (typeof key !== 'string') return;
    const worker = bindings.process === 'coordinator' ? {} : { worker: bindings.process };
    recorder.recordInfo({ key, suppressed: o.suppressed, incarnation: bindings.incarnation, ...worker }, 'log');
  };
  return { debug: line, info: line, warn: line, error: line, child: (b) => rejectionLogRecorder(recorder, { ...bindings, ...b }) };
}
