/**
 * A live probe that met a misbehaving system (note `liveProbe`,
 * harness/live/live-probe.ts) is a violation of the promise it names: the
 * fleet never synced after starting (10, liveness), the coordinator did not
 * come back healthy after a kill or restart over its data dir (7,
 * durability), the end-of-run HTTP reads got no answer the client could read
 * (29, api-contract). Judged under each promise for the notes naming it.
 */
import type { PromiseName } from './promises.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** Every `liveProbe` note naming `promise`, as a violation of it. */
export function checkLiveProbes(view: HistoryView, promise: PromiseName): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    if (rec.f !== 'note') continue;
    const p = rec.value.liveProbe as { probe?: unknown; promise?: unknown; message?: unknown } | undefined;
    if (p === undefined || p === null || typeof p !== 'object' || p.promise !== promise) continue;
    out.push(violation(view.records, promise, `the live probe ${String(p.probe)} at t=${rec.time} met a misbehaving system: ${String(p.message)}`, { index: rec.index }));
  }
  return out;
}
