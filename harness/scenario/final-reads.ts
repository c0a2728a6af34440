/**
 * The simulation's reads at the end of a run (ModeAdapter.finalStatuses,
 * run-sim.ts): what a client, a browser and the operator would read once
 * the run converged, each noted for the promise that judges it, and every
 * execution's final status for the driver.
 */
import type { ExecutionRecord } from '../../system/core/index.js';
import { isTerminal } from '../../system/core/index.js';
import type { HistoryRecorder } from '../check/history.js';
import type { Simulation } from '../sim/index.js';
import { HttpWireError, wireFaults } from '../sim/http-answer.js';
import { readListingAndStats } from './api-reads.js';
import type { RunRecorder } from './driver.js';
import { heldMemory, idleGauges } from './hygiene-watch.js';
import { noteUnattended } from './record-network.js';
import type { EngineExtras } from './run-extras.js';
import type { Scenario } from './schema.js';
import { probeCall, recordReadyz, type SimClient } from './sim-client.js';
import { floodEnd } from './sim-flood.js';
import { storeHistories } from './status-projection.js';
import { readThrown } from './thrown-reads.js';
import { checkpointsHeld } from './checkpoint-reads.js';
import { graphIds, readDashboard } from './ui-browser.js';
import { pageUserOf } from './ui-page.js';

type Note = RunRecorder['note'];

/** The executions of `kinds` in a state `keep` accepts, as the client reads them: id → what `pick` takes of each. */
function byKind(records: readonly (ExecutionRecord | undefined)[], kinds: readonly string[], keep: (r: ExecutionRecord) => boolean, pick: (r: ExecutionRecord) => object): Record<string, object> | undefined {
  const chosen = records.filter((r): r is ExecutionRecord => r !== undefined && kinds.includes(r.kind) && keep(r));
  return chosen.length === 0 ? undefined : Object.fromEntries(chosen.map((r) => [r.executionId, pick(r)]));
}

const resultOf = (r: ExecutionRecord): object => (r.result === undefined ? {} : { result: r.result });
const completed = (r: ExecutionRecord): boolean => r.status === 'completed';

/** What the tasks returned, as the client reads them: echo values, cpu/sleep numbers and ended fail executions (promise 16), container/command outcomes (promise 32). */
function noteResults(records: readonly (ExecutionRecord | undefined)[], note: Note): void {
  const echoes = byKind(records, ['echo'], completed, resultOf);
  if (echoes !== undefined) note({ echoResults: echoes });
  const timed = byKind(records, ['cpu', 'sleep'], completed, resultOf);
  if (timed !== undefined) note({ taskNumbers: timed });
  const failed = byKind(records, ['fail'], (r) => isTerminal(r.status), (r) => ({ status: r.status, ...resultOf(r), ...(r.error === undefined ? {} : { error: r.error }) }));
  if (failed !== undefined) note({ failResults: failed });
  const made = byKind(records, ['container', 'command'], (r) => isTerminal(r.status), (r) => ({ status: r.status, ...resultOf(r), ...(r.error === undefined ? {} : { error: r.error }) }));
  if (made !== undefined) note({ kindResults: made });
}

/** How many graphs the page user opens at the end. */
const PAGE_GRAPHS = 3;

/** An execution whose taskId the workload gave markup (markupTaskId), a cancelled one first (its reason is shown too). */
function markupOf(c: NonNullable<Simulation['coordinator']['instance']>, ids: readonly string[]): { id: string; taskId: string; cancelled: boolean } | undefined {
  const marked = ids.map((id) => c.engine.getExecution(id)).filter((r): r is ExecutionRecord => r?.taskId?.includes('data-injected') === true);
  const pick = marked.find((r) => r.status === 'cancelled') ?? marked[0];
  return pick === undefined ? undefined : { id: pick.executionId, taskId: pick.taskId, cancelled: pick.status === 'cancelled' };
}

/** The reads through the HTTP API: readiness, listing and stats, the dashboard (promise 29). */
async function httpReads(instance: NonNullable<Simulation['coordinator']['instance']>, note: Note, client: SimClient, ids: readonly string[]): Promise<void> {
  await recordReadyz(instance, note, 'end');
  // The listing and stats as a client pages and reads them, at the final read's instant (promise 29).
  note({ apiReads: await readListingAndStats(probeCall(instance), client.probe.read, ids.length) });
  // A browser on the dashboard at the same instant: its pages' headers and statuses, the graphs next to the listing (promise 29).
  const ui = await readDashboard(instance, client.probe.read, [...ids]);

  note({ uiPages: ui.pages });
  if (ui.graphs.length > 0) note({ uiGraphs: ui.graphs, uiListed: ui.listed });
}

/** The end-of-run reads (see the file comment); returns each execution's final status. */
export async function finalReads(sim: Simulation, scenario: Scenario, recorder: HistoryRecorder, note: Note, extras: EngineExtras, client: SimClient, ids: readonly string[]): Promise<Record<string, string | null>> {
  if (scenario.workload.flood !== undefined) floodEnd(sim, scenario, note);
  extras.finishCli();
  const instance = sim.coordinator.instance;
  if (instance !== null) {
    try {
      await httpReads(instance, note, client, ids);
      // The user on the dashboard page, if a `page` read opened one: feed, markup, graphs, sign-out (promise 29, ui-page.ts).
      await pageUserOf(sim)?.finish(sim, markupOf(instance, ids), graphIds(instance, ids).slice(0, PAGE_GRAPHS));
    } catch (err) {
      // An answer a client could not read (http-answer.ts): noted below for promise 29, the other reads skipped.
      if (!(err instanceof HttpWireError)) throw err;
    }
  }
  // Every incarnation's, a killed one's too (http-answer.ts keys them by the process).
  const wire = wireFaults(sim.coordinator);
  if (wire.length > 0) note({ httpWire: [...wire] });
  const records = ids.map((id) => instance?.engine.getExecution(id));
  noteResults(records, note);
  // The store's statusHistory of each execution: its status events must be exactly these (promise 29, promises-event-projection.ts).
  note({ eventProjection: { store: storeHistories(sim, ids) } });
  // What a client reads of work whose task code threw a plain Error, a TypeError... (promise 16, promises-thrown.ts).
  const thrown = instance === null ? undefined : await readThrown(instance, client.probe.read, records);
  if (thrown !== undefined) note({ thrownReads: thrown });
  // Every small checkpoint state the coordinator holds: promise 8 scans it for the workers' secret (checkpoint-reads.ts).
  const states = checkpointsHeld(records);
  if (states !== undefined) note({ checkpointsHeld: states });
  // Promise 35's idle baseline: every workload execution ended, the clients' streams closed or counted (hygiene-watch.ts).
  noteUnattended(sim, note);
  const idle = idleGauges(sim);
  if (idle !== undefined) note({ idleCoordinator: idle });
  const held = heldMemory(sim, recorder);
  if (held !== undefined) note({ heldMemory: held });
  // How long the store's writes took to commit, and what still waits (promise 19, promises-commit-latency.ts).
  note({ storeCommits: recorder.commitLatency.summary(sim.simulatedMs) });
  return Object.fromEntries(ids.map((id, i) => [id, records[i]?.status ?? null]));
}
