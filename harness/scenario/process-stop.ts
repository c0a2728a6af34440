/**
 * SIGTERM to a simulated `squall coordinator` or `squall worker`: the
 * command's own stop (system/cli/shutdown.ts) runs through its own signal
 * handling (system/cli/signals.ts onShutdownSignal) on a ProcessControl
 * whose signals the harness delivers and whose exit ends the simulated
 * process, on virtual time. A coordinator's exit is its death (killed: what
 * its store did not commit is lost, as for any exit), and it stays down
 * until the fault's undo starts it again (fault `kill` with `graceful`); a
 * worker's (fault `drain`) leaves its host as its stop left it, the undo
 * starts a new one. What the stop did is observed here, outside the
 * system: each step it took (the coordinator's close, the store's close;
 * the worker's stop) and how that step ended, then the code the process
 * exited with, noted `processExit` (harness/check/promises-process-exit.ts
 * judges it against the README's table).
 */
import { coordinatorShutdown, onShutdownSignal, type ProcessControl, workerShutdown } from '../../system/cli/index.js';
import type { ProcessExit, ProcessSignal } from '../check/promises-process-exit.js';
import type { Simulation } from '../sim/index.js';
import type { RunRecorder } from './driver.js';

type Note = RunRecorder['note'] | undefined;

/** The signals the harness delivers: the first one, and a second one `secondMs` later if the process has not exited by then. */
export interface Signals {
  signal: 'SIGINT' | 'SIGTERM';
  secondMs?: number;
}

/** A process as the command sees it: handlers the harness signals, and an exit it observes (its first only: a process ends once). */
class SimProcess implements ProcessControl {
  private readonly handlers = new Map<string, ((signal: NodeJS.Signals) => void)[]>();
  exited = false;

  constructor(private readonly onExit: (code: number) => void) {}

  on(signal: 'SIGINT' | 'SIGTERM', handler: (signal: NodeJS.Signals) => void): void {
    this.handlers.set(signal, [...(this.handlers.get(signal) ?? []), handler]);
  }

  exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.onExit(code);
  }

  signal(signal: 'SIGINT' | 'SIGTERM'): void {
    for (const h of this.handlers.get(signal) ?? []) h(signal);
  }
}

/** Delivers the first signal now and the second (if asked) `secondMs` later while the process still runs in this incarnation; returns when the second was sent, for the exit's note. */
function deliver(sim: Simulation, proc: SimProcess, signals: Signals, alive: () => boolean): { secondAt?: number } {
  const sent: { secondAt?: number } = {};
  proc.signal(signals.signal);
  if (signals.secondMs !== undefined) {
    sim.time.setTimeout(() => {
      if (proc.exited || !alive()) return;
      sent.secondAt = sim.simulatedMs;
      proc.signal(signals.signal);
    }, signals.secondMs);
  }
  return sent;
}

/** A step of the stop, observed: its outcome ('ok' or the error's message) is appended to `steps` when it ends. */
function observed(steps: ProcessExit['steps'], name: string, run: () => Promise<void>): { close(): Promise<void> } {
  return {
    close: () =>
      run().then(
        () => void steps.push([name, 'ok']),
        (err: unknown) => {
          steps.push([name, err instanceof Error ? err.message : String(err)]);
          throw err;
        },
      ),
  };
}

/**
 * SIGTERM to the running coordinator: `squall coordinator`'s stop, then its
 * exit kills the incarnation; `beforeExit` hears first whether every step
 * of the stop ended (then the store committed all it was given). Returns at
 * once; nothing happens when it is down.
 */
export function sigtermCoordinator(sim: Simulation, note: Note, beforeExit: (clean: boolean) => void, signals: Signals = { signal: 'SIGTERM' }): void {
  const p = sim.coordinator;
  const c = p.instance;
  const store = p.handedStore;
  if (c === null || store === null) return;
  const incarnation = p.host.incarnation;
  const signalledAt = sim.simulatedMs;
  const steps: ProcessExit['steps'] = [];
  let sent: { secondAt?: number } = {};
  const proc = new SimProcess((code) => {
    if (!p.host.isAlive(incarnation)) return; // killed meanwhile: no exit of its own
    const exit: ProcessExit = { process: 'coordinator', signal: signals.signal, signalledAt, at: sim.simulatedMs, code, steps, ...secondOf(sent) };
    note?.({ processExit: exit });
    beforeExit(sent.secondAt === undefined && steps.every(([, how]) => how === 'ok'));
    sim.killCoordinator();
  });
  const stop = coordinatorShutdown({ coordinator: observed(steps, 'coordinator.close', () => c.close()), store: observed(steps, 'store.close', () => store.close()) });
  onShutdownSignal(sim.logger.child({ process: 'coordinator', incarnation }), stop, proc);
  sent = deliver(sim, proc, signals, () => p.host.isAlive(incarnation));
}

/** The second signal's time for the exit's note, when one was sent. */
const secondOf = (sent: { secondAt?: number }): Pick<ProcessExit, 'secondSignalAt'> => (sent.secondAt === undefined ? {} : { secondSignalAt: sent.secondAt });

/**
 * SIGTERM (or SIGINT) to a running worker: `squall worker`'s stop (drain up
 * to timeoutMs), then its exit is noted; an exit before the stop ended (a
 * second signal: 130) ends the process there, as a real exit does.
 */
export function sigtermWorker(sim: Simulation, id: string, drainTimeoutMs: number, note: Note, signals: Signals = { signal: 'SIGTERM' }): void {
  const p = sim.worker(id);
  const worker = p.instance;
  if (worker === null) return;
  const incarnation = p.host.incarnation;
  const signalledAt = sim.simulatedMs;
  const steps: ProcessExit['steps'] = [];
  let sent: { secondAt?: number } = {};
  let stopped = false;
  const proc = new SimProcess((code) => {
    if (!p.host.isAlive(incarnation)) return;
    note?.({ processExit: { process: id, signal: signals.signal, signalledAt, at: sim.simulatedMs, code, steps, drainTimeoutMs, ...secondOf(sent) } satisfies ProcessExit });
    if (!stopped) sim.killWorker(id); // exited mid-stop: the process is gone
  });
  const begin = (): void => note?.({ processStop: { process: id, at: sim.simulatedMs } });
  const stop = workerShutdown({ worker: { stop: (opts) => (begin(), observed(steps, 'worker.stop', () => worker.stop(opts).then(() => void (stopped = true))).close()) }, drainTimeoutMs });
  onShutdownSignal(sim.logger.child({ process: id, incarnation }), stop, proc);
  note?.({ processSignal: { process: id, signal: signals.signal, at: signalledAt } satisfies ProcessSignal });
  sent = deliver(sim, proc, signals, () => p.host.isAlive(incarnation));
}
