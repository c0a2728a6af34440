/**
 * The API view of every execution just before a coordinator restart and
 * just after the next incarnation loaded the store (promise 33,
 * harness/check/promises-reload.ts). Simulation only, timeline faults only:
 * read from the live engine (its listing, rendered as GET
 * /api/v1/executions/:id renders it: executionView), at the instant of the
 * kill and at the instant the restarted coordinator listens, before any
 * worker reconnected. A `before` is noted only when the store holds nothing
 * uncommitted (a kill then loses nothing, so what the next life loads must
 * read the same) and does not fail: while it fails, the engine's memory
 * holds the changes whose writes failed until the reload after its recovery
 * (a store whose SQLite thread died never recovers: fault
 * `store_thread_death`); each view is its JSON text, as a client would receive it.
 */
import { executionView } from '../../system/coordinator/index.js';
import type { Simulation } from '../sim/index.js';
import type { RunRecorder } from './driver.js';
import { everyExecution } from './engine-reads.js';

/** A note `restartViews`: which side of a restart, the coordinator's incarnation, each execution's view as JSON. */
export interface RestartViews {
  phase: 'before' | 'after';
  incarnation: number;
  views: Record<string, string>;
}

/** What a kill now would lose: the commit window, and on SQLite the groups its thread has not committed. */
export function uncommitted(store: Simulation['coordinator']['store']): number {
  if (store === null) return 0;
  return 'uncommittedCount' in store ? store.uncommittedCount : store.stagedCount;
}

/** Notes the live coordinator's views (see the file comment); nothing when it is down or, before a kill, when a commit is pending. */
export function noteRestartViews(sim: Simulation, note: RunRecorder['note'] | undefined, phase: RestartViews['phase']): void {
  const p = sim.coordinator;
  const c = p.instance;
  if (note === undefined || c === null) return;
  // A failed commit leaves memory ahead of the store until the reload after recovery rolls it back.
  if (phase === 'before' && (uncommitted(p.store) > 0 || !c.engine.storeHealth().ok)) return;
  const views: Record<string, string> = {};
  for (const r of everyExecution(c.engine)) views[r.executionId] = JSON.stringify(executionView(r));
  const value: RestartViews = { phase, incarnation: p.host.incarnation, views };
  note({ restartViews: value });
}
