/**
 * The resources the dangerous kinds create, simulated per worker host: a
 * Docker engine (docker-engine.ts) and a process table (process-table.ts).
 * The REAL `container` and `command` kinds run in the simulation with their
 * IO seams bound to them (ContainerKindOptions.docker,
 * CommandKindOptions.spawn and .env), one binding per attempt so every
 * container and child is recorded with its attempt. The worker's own
 * environment is simulated too: SQUALL_SECRET (the worker's secret, or a
 * stand-in) and SQUALL_TOKEN sit in it, so a kind that lets them through
 * to a child or a container is seen doing so.
 */
import {
  builtinTaskKinds,
  commandKindWith,
  CommandParams,
  containerKind,
  defineTaskKind,
  type DockerClient,
  productionSpawn,
  type RawSpawn,
  type SpawnCommand,
  type TaskContext,
  type TaskKind,
} from '../../../system/tasks/index.js';
import type { Marks } from '../../../system/core/index.js';
import type { Host } from '../host.js';
import type { VirtualTime } from '../virtual-time.js';
import { withSimKinds } from '../probe-kind.js';
import { SimDockerEngine } from './docker-engine.js';
import { SimProcessTable } from './process-table.js';
import type { ResourceRecord, ResourceSink } from './records.js';

/** Test-only: a broken variant's rewrite of a worker's Docker client or spawn (SimWiring.resources). */
export interface ResourceWiring {
  docker?: (workerId: string, client: DockerClient) => DockerClient;
  spawn?: (workerId: string, spawn: SpawnCommand) => SpawnCommand;
}

/** The simulated worker environment (what process.env would be for a worker started by a service manager). */
function workerEnv(id: string, secret: string | undefined): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: '/home/squall',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    USER: 'squall',
    // Neither base nor secret: the operator's own, which a child gets only when allow-listed (docs/TASK-KINDS.md).
    SQUALL_COORDINATOR_URL: 'wss://coordinator:7070',
    SQUALL_SECRET: secret ?? `sim-secret-of-${id}`,
    SQUALL_TOKEN: `sim-token-of-${id}`,
  };
}

/** The attempt's context with its `spawn` seam bound to `raw` (its other fields, the lazy abort signal included, read through). */
function withSpawn(ctx: TaskContext, raw: RawSpawn): TaskContext {
  return Object.create(ctx, { spawn: { value: raw, enumerable: true } }) as TaskContext;
}

/**
 * A simulated worker's own `spawn` (WorkerDeps.spawn): no real process is
 * ever started in a simulation; the command kind's attempts get their host's
 * process table (kindsFor), anything else that would start one fails here.
 */
export const noRealProcess: RawSpawn = (program) => {
  throw new Error(`a simulated worker may start no real process (${program}): only the command kind's attempts start children, on their host's process table`);
};

/** The built-in kinds and the simulation-only ones (harness/sim/probe-kind.ts): what simulated processes run by default. */
export function simTaskKinds(): Map<string, TaskKind<unknown>> {
  return withSimKinds(builtinTaskKinds());
}

/** Every worker host's engine and process table, and the kinds bound to them. */
export class SimResources {
  /** Where records go (the run's history); unset: nowhere. */
  onRecord: ResourceSink | undefined;
  private readonly engines = new Map<string, SimDockerEngine>();
  private readonly tables = new Map<string, SimProcessTable>();
  private readonly sink: ResourceSink = (r: ResourceRecord) => this.onRecord?.(r);

  constructor(
    private readonly time: VirtualTime,
    private readonly marks: Marks,
    private readonly wiring: ResourceWiring = {},
  ) {}

  /** The built-in kinds for one worker incarnation, `container` and `command` on its host's simulated engine and process table. */
  kindsFor(host: Host, secret: string | undefined): Map<string, TaskKind<unknown>> {
    const id = host.name;
    const env = workerEnv(id, secret);
    const secrets = { SQUALL_SECRET: env.SQUALL_SECRET ?? '', SQUALL_TOKEN: env.SQUALL_TOKEN ?? '' };
    const engine = this.engineOf(host);
    const table = this.tableOf(host);
    const { docker, spawn } = this.wiring;
    const kinds = simTaskKinds();
    // One kind per incarnation (its start-up sweep and its attempts share it); a client per attempt records what it makes with its attempt.
    const container = containerKind({
      docker: (a) => {
        const client = engine.client(host, a === undefined ? undefined : { execution: a.ctx.executionId, attempt: a.ctx.attempt }, secrets, a?.params.env, a?.params.image);
        return docker?.(id, client) ?? client;
      },
      env,
    });
    const command = defineTaskKind<CommandParams>({
      name: 'command',
      params: CommandParams,
      run: (params, ctx) => {
        // The host's process table, recording with this attempt, handed to the production kind through the attempt's
        // own spawn seam (TaskContext.spawn): production's start (productionSpawn: no shell, pipes...) reaches it as built.
        const raw: RawSpawn = table.spawnFor(host, { execution: ctx.executionId, attempt: ctx.attempt }, secrets, params.env, env);
        const broken = spawn?.(id, productionSpawn(raw));
        return commandKindWith({ env, ...(broken === undefined ? {} : { spawn: broken }) }).run(params, withSpawn(ctx, raw));
      },
    });
    kinds.set('container', container as TaskKind<unknown>);
    kinds.set('command', command as TaskKind<unknown>);
    return kinds;
  }

  /** The OOM killer on `hostName` (fault `oom_kill`): the child started last dies by SIGKILL; returns its pid, if any ran. */
  oomKill(hostName: string): number | undefined {
    return this.tables.get(hostName)?.oomKill();
  }

  private engineOf(host: Host): SimDockerEngine {
    return this.perHost(this.engines, host, SimDockerEngine);
  }

  private tableOf(host: Host): SimProcessTable {
    return this.perHost(this.tables, host, SimProcessTable);
  }

  /** The host's engine or process table, made on first use; it hears of each kill of the host's worker. */
  private perHost<T extends { ownerCrashed(): void }>(made: Map<string, T>, host: Host, Make: new (hostName: string, time: VirtualTime, sink: ResourceSink, marks: Marks) => T): T {
    let x = made.get(host.name);
    if (x === undefined) {
      const fresh = (x = new Make(host.name, this.time, this.sink, this.marks));
      made.set(host.name, fresh);
      host.onKill(() => fresh.ownerCrashed());
    }
    return x;
  }
}
