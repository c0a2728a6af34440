/**
 * A fleet's twins in simulation (scenario `fleet.twins`): at its time, a
 * second live process starts with a fleet worker's id and config on its own
 * host (Simulation.spawnTwin). The newer connection replaces the older one,
 * whose process must stop for good (close 4409 is fatal, docs/PROTOCOL.md):
 * from then on the worker id is served by whichever process survived, and
 * the run converges when that one is ready. The history records the twin's
 * start as a fault `twin` on the worker id: a new life of the id begins.
 */
import { type Simulation, twinHost, type WorkerProcess } from '../sim/index.js';
import type { RunRecorder, Schedule } from './driver.js';
import type { Scenario } from './schema.js';

/** The twins a run started, by worker id. */
export class SimTwins {
  private readonly started = new Map<string, WorkerProcess>();

  constructor(
    private readonly sim: Simulation,
    private readonly scenario: Scenario,
    private readonly recorder: Pick<RunRecorder, 'fault'>,
  ) {}

  /** Puts each twin's start on the driver's schedule. */
  schedule(at: Schedule): void {
    for (const t of this.scenario.fleet.twins) {
      at(t.at, () => {
        // In the history as a fault on the worker id: a new process life of the id begins, as at a restart (view.ts lifeOf).
        const details = { id: `twin-${t.of}`, action: 'twin', target: t.of, workers: [t.of], params: { host: twinHost(t.of) }, origin: 'timeline' };
        this.recorder.fault('start', details);
        this.started.set(t.of, this.sim.spawnTwin(t.of));
        this.recorder.fault('stop', details);
      });
    }
  }

  /** Whether worker `id` is ready in one of its processes (the original, or its twin that replaced it). */
  ready(id: string): boolean {
    return this.sim.worker(id).instance?.state === 'ready' || this.started.get(id)?.instance?.state === 'ready';
  }
}
