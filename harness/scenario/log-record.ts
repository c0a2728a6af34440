/**
 * The simulation's Logger (the system's Logger seam): records the lines the
 * coordinator's rejection log limiter let through (core/log-limiter.ts: they
 * carry the limiter's key as `rejection` and `suppressed`, how many like them
 * were not logged since the last one),
 * as `log` notes in the history, for promise 8's accounting of a flood
 * (harness/check/promises-log-limiter.ts). Every other line is dropped, as the
 * silent logger does: the cost is one property test per log call.
 */
import type { Logger } from '../../system/core/index.js';
import type { HistoryRecorder } from '../check/history.js';

/** A Logger that records the coordinator's rate-limited rejection lines. */
export function rejectionLogRecorder(recorder: HistoryRecorder, bindings: Record<string, unknown> = {}): Logger {
  const line = (obj: object): void => {
    if (bindings.process !== 'coordinator' || !('suppressed' in obj)) return;
    const o = obj as Record<string, unknown>;
    const key = o.rejection;
    if (typeof key !== 'string') return;
    recorder.recordInfo({ key, suppressed: o.suppressed, incarnation: bindings.incarnation }, 'log');
  };
  return { debug: line, info: line, warn: line, error: line, child: (b) => rejectionLogRecorder(recorder, { ...bindings, ...b }) };
}
