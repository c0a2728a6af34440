/**
 * The store's statusHistory of every execution of the run, noted at the end
 * (`eventProjection: { store }`) for promise 29's event projection
 * (harness/check/promises-event-projection.ts): the coordinator's status
 * events must be exactly these statuses, in order. Read straight from the
 * simulated MemoryStore's durable rows (null on the SQLite store, whose
 * rows are not read synchronously: the note then asks for the listing's
 * statusHistory alone). Statuses joined by commas, one string per execution.
 */
import type { ExecutionId } from '../../system/core/index.js';
import { MemoryStore } from '../../system/store/index.js';
import type { Simulation } from '../sim/index.js';

/** At most this many executions are noted (the history grows with each). */
const NOTED = 5000;

/** id → the store row's statuses, comma-joined; null when the store is not a MemoryStore. */
export function storeHistories(sim: Simulation, ids: readonly string[]): Record<string, string> | null {
  const store = sim.coordinator.store;
  if (!(store instanceof MemoryStore)) return null;
  const out: Record<string, string> = {};
  let n = 0;
  for (const id of ids) {
    const r = store.durable.records.get(id as ExecutionId);
    if (r === undefined) continue;
    out[id] = r.statusHistory.map((e) => e.status).join(',');
    if (++n >= NOTED) break;
  }
  return out;
}
