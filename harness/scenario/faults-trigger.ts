/**
 * Faults fired by protocol events instead of clock times (scenario
 * `triggers`): a coordinator crash right after a result's ack leaves, inside
 * a claim's commit window, during a worker's sync; a worker crash between
 * `started` and `result`. The trigger watches the system's event stream (it
 * is an EventSink teed next to the history recorder) and applies the fault on
 * the virtual clock `delayMs` after the nth matching event, so a seed still
 * gives one trace.
 *
 * Applying runs inside a simulated timer, so nothing here may run the
 * simulation itself: a coordinator brought back is started and left to boot
 * as simulated time goes on (the runner's heal settles whatever is left).
 * A process a trigger restarts (restart, or the undo of a kill, in its
 * timer or at heal) that refuses its config ends the run at the runner's
 * next step (throwIfRefused) with promise 8 (config-refused.ts), the
 * trigger named, as a timed fault's restart does; it is not left as a note
 * while the run goes on. A coordinator start a trigger began before heal
 * that refuses after it (a slow recovery) is thrown when the drive ends
 * (run-sim.ts), so it fails the run too.
 */
import type { EventSink, SystemEvent } from '../../system/core/index.js';
import { describeFault } from './fault-details.js';
import type { FaultDetails, HistoryRecorder } from '../check/history.js';
import type { Simulation } from '../sim/index.js';
import { RESTART_RETRY_MS } from '../sim/processes.js';
import { asRefusal, type ConfigRefused, namedRefusal, startOrRefusedAsync } from './config-refused.js';
import { applySimFault, type Undo } from './faults-sim.js';
import type { Scenario } from './schema.js';
import { type Trigger, triggerEvent } from './schema-engine.js';
import { resolveTarget } from './targets.js';
import { ResultAcks } from './trigger-acks.js';

interface Armed {
  trigger: Trigger;
  type: string;
  status: string | undefined;
  seen: number;
  fired: boolean;
}

/** Whether an event matches a trigger's event name and worker (resultsAcked: ResultAcks' answer for it). */
function matches(a: Armed, ev: SystemEvent, resultsAcked: number): boolean {
  if (ev.type !== a.type) return false;
  if (a.type === 'msg_acked' && a.status === 'result') {
    if (resultsAcked === 0) return false;
  } else if (ev.type === 'sync_answered') {
    if (a.status === 'confirmed' && ev.confirmed.length === 0) return false;
  } else if (ev.type === 'msg_delivered') {
    if (ev.dir !== 'to_worker' || (a.status !== undefined && ev.msgType !== a.status)) return false;
  } else if (a.status !== undefined && (ev.type !== 'status' || ev.to !== a.status)) return false;
  const w = a.trigger.on.worker;
  if (w === undefined) return true;
  const about = (ev as { workerId?: unknown }).workerId;
  return about === w || ev.source === w;
}

/** Watches events, fires the scenario's triggers, and undoes their faults at heal. */
export class TriggeredFaults implements EventSink {
  private readonly armed: Armed[];
  private readonly active = new Map<string, { undo: Undo; details: FaultDetails }>();
  private sim: Simulation | undefined;
  private open = true;
  private unfiredReason: string | undefined;
  /** For trigger event result-acked (trigger-acks.ts). */
  private readonly resultAcks = new ResultAcks();
  /** The first config a triggered restart's process refused (thrown at the runner's next step, at heal, or when the drive ends: promise 8). */
  private refusal: ConfigRefused | undefined;

  constructor(
    private readonly scenario: Scenario,
    private readonly recorder: HistoryRecorder,
  ) {
    this.armed = scenario.triggers.map((trigger) => ({ trigger, ...statusOf(trigger), seen: 0, fired: false }));
  }

  /** The simulation to act on (it is built with this sink, so it comes second). */
  attach(sim: Simulation): void {
    this.sim = sim;
  }

  emit(ev: SystemEvent): void {
    if (!this.open || this.sim === undefined) return;
    const resultsAcked = this.resultAcks.observe(ev);
    this.armed.forEach((a, i) => {
      if (a.fired || !matches(a, ev, resultsAcked)) return;
      a.seen += 1;
      if (a.seen < a.trigger.on.nth) return;
      a.fired = true;
      const sim = this.sim as Simulation;
      const fire = (): void => this.fire(a.trigger, `t${i + 1}`);
      // delayMs 0: right after the emitting step, in the same simulated ms (a 0 ms timer set
      // inside a timer callback would land 1 ms later).
      if (a.trigger.on.delayMs === 0) void Promise.resolve().then(fire);
      else sim.time.setTimeout(fire, a.trigger.on.delayMs);
    });
  }

  /**
   * Heal: no more triggers; every triggered fault still active is undone
   * (settling a restart). A trigger that never fired is a fault that was not
   * applied: `unfired` says which, and the run fails with it (run-guards.ts)
   * after its history is checked, so a defect that kept the run from that
   * moment is still named under the promise it broke.
   */
  async heal(): Promise<void> {
    this.open = false;
    if (this.refusal !== undefined) throw this.refusal;
    for (const [id, a] of [...this.active.entries()].reverse()) {
      this.active.delete(id);
      try {
        await a.undo();
      } catch (err) {
        throw this.refused(err, a.details, 'undoing ') ?? err;
      }
      this.recorder.recordFault('stop', a.details);
    }
    const unfired = this.armed.map((a, i) => ({ a, id: `t${i + 1}` })).filter((x) => !x.a.fired);
    if (unfired.length === 0) return;
    const what = unfired.map(({ a, id }) => `${id} (triggers[${Number(id.slice(1)) - 1}]: ${a.trigger.on.event}${a.trigger.on.worker === undefined ? '' : ` of ${a.trigger.on.worker}`} #${a.trigger.on.nth}, seen ${a.seen} time(s))`);
    this.unfiredReason = `trigger ${what.join(', ')} never fired during the fault phase: the run never reached that protocol moment, so its fault was not applied; lower on.nth, widen the workload or lengthen phases.faultsMs`;
  }

  /** Ends the run (promise 8, config-refused.ts) once a triggered restart's process refused its config: the runner calls it between its steps. */
  throwIfRefused(): void {
    if (this.refusal !== undefined) throw this.refusal;
  }

  /** Why the run did not apply every trigger (set at heal), or undefined when all fired. */
  get unfired(): string | undefined {
    return this.unfiredReason;
  }

  private fire(trigger: Trigger, id: string): void {
    const sim = this.sim;
    if (!this.open || sim === undefined) return;
    const details: FaultDetails = { ...describeFault(this.scenario.fleet, trigger, id), origin: 'trigger' };
    details.params = { ...details.params, on: { ...trigger.on } };
    this.recorder.recordFault('start', details);
    const onCoordinator = trigger.action.type !== 'partition' && resolveTarget(this.scenario.fleet, trigger.target).kind === 'nodes' && details.coordinator === true;
    const process = trigger.action.type === 'kill' || trigger.action.type === 'restart';
    if (process && onCoordinator) {
      this.crashCoordinator(sim, trigger, id, details);
      return;
    }
    applySimFault(sim, this.scenario, { at: sim.simulatedMs, target: trigger.target, action: trigger.action }).then(
      (undo) => this.keep(sim, trigger, id, details, undo),
      (err: unknown) => void (this.refused(err, details) ?? this.recorder.recordInfo({ trigger: id, error: String(err) }, 'nemesis')),
    );
  }

  /** A triggered restart's config refusal, named by its trigger (`undoing `: its undo), kept for heal; undefined for any other error. */
  private refused(err: unknown, details: FaultDetails, undoing = ''): ConfigRefused | undefined {
    const on = (details.params as { on?: Trigger['on'] } | undefined)?.on;
    const named = namedRefusal(err, `${undoing}trigger ${details.id}: ${details.action}${on === undefined ? '' : ` on ${on.event} #${on.nth}`}`);
    if (named !== undefined) {
      this.refusal ??= named;
      this.recorder.recordInfo({ trigger: details.id, configRefused: named.message }, 'nemesis');
    }
    return named;
  }

  /** kill/restart of the coordinator from inside a timer: the new incarnation boots on simulated time. */
  private crashCoordinator(sim: Simulation, trigger: Trigger, id: string, details: FaultDetails): void {
    sim.killCoordinator();
    const boot = (undoing = ''): void => {
      // The supervised start hands the system's own error: a config refusal is the coordinator's (config-refused.ts).
      sim.coordinator.startSupervised((err: unknown) => void (this.refused(asRefusal('coordinator', err, 'at its restart'), details, undoing) ?? this.recorder.recordInfo({ trigger: id, error: String(err), restartInMs: RESTART_RETRY_MS }, 'nemesis')));
    };
    if (trigger.action.type === 'restart') {
      boot();
      return;
    }
    const undo: Undo = async () => {
      if (sim.coordinator.host.state === 'down') await startOrRefusedAsync('coordinator', () => sim.restartCoordinator(), 'at its restart');
    };
    this.keep(sim, trigger, id, details, undo, () => boot('undoing '));
  }

  /** A triggered fault undone in its own timer: a config its restarted process refused is kept for heal (promise 8), another failure noted. */
  private undoInTimer(undo: Undo, details: FaultDetails): void {
    const failed = (err: unknown): void => void (this.refused(err, details, 'undoing ') ?? this.recorder.recordInfo({ trigger: details.id, undoFailed: String(err) }, 'nemesis'));
    try {
      const done = undo();
      if (done instanceof Promise) done.catch(failed);
    } catch (err) {
      failed(err);
    }
  }

  private keep(sim: Simulation, trigger: Trigger, id: string, details: FaultDetails, undo: Undo, undoInTimer: () => void = () => this.undoInTimer(undo, details)): void {
    if (trigger.for === undefined) {
      this.active.set(id, { undo, details });
      return;
    }
    this.active.set(id, { undo, details });
    sim.time.setTimeout(() => {
      if (!this.active.delete(id)) return;
      undoInTimer();
      this.recorder.recordFault('stop', details);
    }, trigger.for);
  }
}

function statusOf(trigger: Trigger): { type: string; status: string | undefined } {
  const t = triggerEvent(trigger.on.event);
  return { type: t.type, status: t.status };
}
