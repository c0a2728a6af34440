/**
 * What a simulation run needs for the engine-feature workload and the
 * protocol-timed nemesis (issue 10), in one object the runner (run-sim.ts)
 * calls at five points: the event sink (history recorder plus triggers), the
 * coordinator options (simulated commit latency), each accepted submission
 * (client controls), extra timed steps (adversarial clients) and heal
 * (triggered faults undone).
 */
import { ErrorCode, SquallError, teeSink, type EventSink } from '../../system/core/index.js';
import type { HistoryRecorder } from '../check/history.js';
import type { CliWiring, SimCoordinatorOptions, Simulation } from '../sim/index.js';
import { AdversaryClient } from './adversary.js';
import { probeHttpScopes } from './adversary-http.js';
import { scheduleControls } from './client-ops.js';
import type { WriteTally } from './control-store.js';
import { CliClient } from './client-cli.js';
import { ClientReads } from './client-reads.js';
import type { SimClient } from './sim-client.js';
import { TriggeredFaults } from './faults-trigger.js';
import type { Scenario } from './schema.js';
import type { Submission } from './workload.js';

/** The engine-feature and nemesis extras of one simulation run. */
export class EngineExtras {
  /** Pass to the Simulation as its event sink: the recorder first, then the triggers. */
  readonly sink: EventSink;
  private readonly triggers: TriggeredFaults;
  private readonly reads: ClientReads;
  private readonly cli: CliClient;
  /** Executions the spec-bounds probe's accepted submissions created (adversary-spec-bounds.ts; each cancelled at once). */
  private readonly probeSubmitted: string[] = [];
  private sim: Simulation | undefined;
  private client: SimClient | undefined;
  private writes: WriteTally | undefined;

  constructor(
    private readonly scenario: Scenario,
    private readonly recorder: HistoryRecorder,
    cliWiring?: CliWiring,
  ) {
    this.triggers = new TriggeredFaults(scenario, recorder);
    this.reads = new ClientReads(scenario.clientReads, recorder);
    this.cli = new CliClient(scenario.cli, recorder, cliWiring);
    this.sink = scenario.triggers.length === 0 ? recorder : teeSink(recorder, this.triggers);
  }

  /** `writes`: the store writes staged per execution (control-store.ts), for the controls' notes. */
  attach(sim: Simulation, client: SimClient, writes?: WriteTally): void {
    this.sim = sim;
    this.client = client;
    this.writes = writes;
    this.triggers.attach(sim);
  }

  /** Coordinator options beyond its config: the store's commit latency. */
  coordinatorOptions(): Pick<SimCoordinatorOptions, 'commitDelayMs'> {
    const d = this.scenario.coordinator.commitDelayMs;
    return d === undefined ? {} : { commitDelayMs: d };
  }

  /** A submission was acknowledged with these executions. */
  accepted(s: Submission, executionIds: readonly string[]): void {
    this.cli.accepted(executionIds);
    if (this.sim !== undefined) this.reads.accepted(executionIds, this.sim.simulatedMs);
    if (this.sim !== undefined && this.client !== undefined && s.control.length > 0) scheduleControls(this.sim, this.client, this.recorder, s, executionIds, this.writes);
  }

  /** Timed steps for the runner's schedule: every round of every adversarial client, every client read, every CLI command. */
  steps(): { at: number; run: () => Promise<void> }[] {
    const sim = this.sim;
    if (sim === undefined) return [];
    const simClient = this.client;
    const reads = simClient === undefined ? [] : [...this.reads.steps(sim, simClient), ...this.cli.timed(sim, simClient)];
    if (this.scenario.adversaries.length === 0) return reads;
    const c = this.scenario.coordinator;
    const gate = { listen: c.listen ?? sim.coordinator.host.name, allowedHosts: c.allowedHosts ?? [] };
    const httpScopes = simClient === undefined ? undefined : (): Promise<void> => probeHttpScopes(sim, simClient, this.recorder, gate, (id) => this.probeSubmitted.push(id));
    const client = new AdversaryClient(sim, this.recorder, this.scenario.coordinator.secret, httpScopes);
    return [...reads, ...this.scenario.adversaries.flatMap((a) =>
      Array.from({ length: a.count }, (_, i) => ({ at: a.at + i * a.everyMs, run: () => client.round(a) })),
    )];
  }

  /** Executions the CLI's submissions and the spec-bounds probe's created (acknowledged to them): waited for and read at the end. */
  get cliSubmitted(): readonly string[] {
    return this.probeSubmitted.length === 0 ? this.cli.submitted : [...this.cli.submitted, ...this.probeSubmitted];
  }

  /** The run is ending: CLI commands still running are noted and interrupted. */
  finishCli(): void {
    this.cli.finish();
  }

  /** Heal: triggered faults undone. */
  heal(): Promise<void> {
    return this.triggers.heal();
  }

  /** Throws the config a triggered restart's process refused, if one did (the run ends with promise 8). */
  throwIfRefused(): void {
    this.triggers.throwIfRefused();
  }

  /** The triggers that never fired (known after heal), as a reason the run fails. */
  get unfiredTriggers(): string | undefined {
    return this.triggers.unfired;
  }
}

/**
 * The fields only the simulation runs (protocol-event triggers, adversarial
 * clients, client controls, the simulated store's commit latency): a live run
 * of a scenario that uses them is refused, naming them, rather than run
 * without them and reported green.
 */
export function refuseSimOnlyFields(scenario: Scenario, mode: string): void {
  const used = [
    scenario.triggers.length > 0 ? 'triggers' : undefined,
    scenario.adversaries.length > 0 ? 'adversaries' : undefined,
    scenario.clientReads.length > 0 ? 'clientReads' : undefined,
    scenario.cli.length > 0 ? 'cli' : undefined,
    scenario.faults.some((f) => (f.action.type === 'restart' || f.action.type === 'kill') && f.action.graceful === true) ? 'faults[].action.graceful' : undefined,
    scenario.workload.items.some((i) => i.control.length > 0) ? 'workload.items[].control' : undefined,
    scenario.coordinator.commitDelayMs !== undefined ? 'coordinator.commitDelayMs' : undefined,
    scenario.coordinator.sessionTtlMs !== undefined ? 'coordinator.sessionTtlMs' : undefined,
    // The live client's requests count against its address, shared with everything else on the host.
    scenario.coordinator.maxPendingPerClient !== undefined ? 'coordinator.maxPendingPerClient' : undefined,
    // No flag sets the engine's duration window.
    scenario.coordinator.durationSamples !== undefined ? 'coordinator.durationSamples' : undefined,
    // The real network has a latency of its own (schema-network.ts).
    scenario.network !== undefined ? 'network.latencyMs' : undefined,
  ].filter((x) => x !== undefined);
  if (used.length === 0) return;
  throw new SquallError(
    ErrorCode.InvalidArgument,
    `scenario ${scenario.name} uses ${used.join(', ')}, which only the simulation runs so far; run it with \`squall sim\`, or remove them for --mode ${mode}`,
    { path: used[0] },
  );
}
