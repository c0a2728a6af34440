/**
 * A graceful stop of the simulated coordinator, as `squall coordinator` runs
 * one on SIGTERM (system/cli/coordinator.ts): Coordinator.close() (loops,
 * connections, listener, the engine's timers), then the store's close(),
 * which commits what is queued and closes the database; the process exits
 * once both resolved. Used by the fault `{type: restart, graceful: true}`:
 * the stop runs on virtual time (at most GRACEFUL_STOP_MS), then the restart
 * kills what is left and starts the next incarnation. A client, on a
 * connection it already had, reads /readyz as the stop begins (promise 19),
 * then `during` runs (the shutdown probe's requests, shutdown-probe.ts).
 *
 * The run notes how the stop went (`gracefulStop`, promise 37,
 * harness/check/promises-store-contract.ts): whether it completed within the
 * bound, and how many writes the store was handed and had not settled once
 * it did (a graceful stop commits or refuses every write: none is left
 * hanging, as the MemoryStore's and SimSqliteStore's counts tell).
 */
import { coordinatorShutdown } from '../../system/cli/index.js';
import type { Coordinator } from '../../system/coordinator/index.js';
import type { Simulation } from '../sim/index.js';
import type { RunRecorder } from './driver.js';
import { uncommitted } from './restart-views.js';
import { recordReadyz } from './sim-client.js';

/** How long a graceful stop may take on virtual time (the CLI has no bound; a stop this long is a hung one). */
const GRACEFUL_STOP_MS = 10_000;

/** A note `gracefulStop`: the incarnation stopped, whether the stop completed (and its error), writes left unsettled, virtual ms taken. */
interface GracefulStopNote {
  incarnation: number;
  completed: boolean;
  error: string | null;
  unsettled: number;
  ms: number;
}

/** Stops the live coordinator gracefully (see the file comment); nothing when it is down. */
export async function gracefulStop(sim: Simulation, note: RunRecorder['note'] | undefined, during: (c: Coordinator) => Promise<void> = () => Promise.resolve()): Promise<void> {
  const p = sim.coordinator;
  const c = p.instance;
  if (c === null) return;
  const incarnation = p.host.incarnation;
  const started = sim.simulatedMs;
  let done = false;
  let error: string | null = null;
  // The CLI's own stop sequence (system/cli/shutdown.ts), on the store itself: a storage fault's refusals are judged elsewhere.
  const stopping = coordinatorShutdown({ coordinator: c, store: { close: () => p.store?.close() ?? Promise.resolve() } })()
    .catch((err: unknown) => void (error = err instanceof Error ? err.message : String(err)))
    .finally(() => void (done = true));
  if (note !== undefined) await recordReadyz(c, note, 'shutdown');
  await during(c);
  await sim.runUntil(() => done, { maxMs: GRACEFUL_STOP_MS });
  void stopping;
  // A stop cut short by another fault (a kill of this incarnation) judges nothing.
  if (note === undefined || p.host.incarnation !== incarnation || p.host.state === 'down') return;
  const value: GracefulStopNote = { incarnation, completed: done, error, unsettled: uncommitted(p.store), ms: sim.simulatedMs - started };
  note({ gracefulStop: value });
}
