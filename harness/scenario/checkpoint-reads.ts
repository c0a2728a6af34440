/**
 * Every execution's latest checkpoint as the coordinator holds it at the end
 * of a simulated run (its store's record, which it hands to the next
 * attempt's worker and an operator reads in the store), noted as
 * `checkpointsHeld` (id → the state). The API shows a checkpoint's seq,
 * attempt and time only, so the store is where a state that left its worker
 * is seen: promise 8's secrets rule (harness/check/promises-secrets.ts)
 * scans the note, and a worker that sends a state holding its secret
 * unredacted is caught (blind set 20 #22). Small states only (the
 * checkpoint-size scenarios' megabytes are not copied into the history), at
 * most MAX_HELD of them.
 */
import type { ExecutionRecord } from '../../system/core/index.js';

/** The largest checkpoint state (as JSON) noted. */
const MAX_STATE_CHARS = 16 * 1024;
/** How many executions' checkpoints are noted at most. */
const MAX_HELD = 500;

/** The held states (see the file comment) of the executions among `records` with a small checkpoint; undefined when there is none. */
export function checkpointsHeld(records: readonly (ExecutionRecord | undefined)[]): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let held = 0; // Object.keys(out).length, kept (it was an array per record)
  for (const r of records) {
    if (r?.checkpoint === undefined || held >= MAX_HELD) continue;
    if ((JSON.stringify(r.checkpoint.state)?.length ?? 0) <= MAX_STATE_CHARS) {
      if (!Object.hasOwn(out, r.executionId)) held++;
      out[r.executionId] = r.checkpoint.state;
    }
  }
  return held === 0 ? undefined : out;
}
