/**
 * `container` {image, cmd, env?, timeoutMs?}: runs a command in a Docker
 * container through dockerode and returns its exit code and log tails.
 * It NEVER pulls: the image must already be present locally, and a missing
 * image or an unreachable engine are reported as clear errors. The container
 * is removed afterwards, and killed on abort or timeout. A worker's crash
 * leaves its containers running (they are the engine's), so when a worker
 * starts, the kind removes every container labelled with its id: the ones
 * an earlier process of that worker left behind (the attempts they ran are
 * reassigned by the coordinator; left running, they would run twice).
 * An adapter (real IO, real time), so it may use raw timers.
 */
import type { TimerHandle } from '../core/clock.js';
import Docker from 'dockerode';
import { z } from 'zod';
import { ErrorCode, SquallError } from '../core/errors.js';
import { defineTaskKind, type TaskContext, type TaskKind, type WorkerStart } from './kind.js';
import { utf8Tail } from './tail.js';

/** What a container task returns. */
interface ContainerResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export const ContainerParams = z.strictObject({
  image: z.string().min(1).max(500).describe('Docker image to run; it must be present on the worker\'s host (never pulled)'),
  cmd: z.array(z.string().max(100_000)).min(1).max(10_000).describe('command and arguments inside the container'),
  env: z.record(z.string().min(1).max(1000), z.string().max(100_000)).optional().describe('environment variables of the container'),
  timeoutMs: z.number().int().positive().max(24 * 3600 * 1000).optional().describe('stop the container after this long, in ms (at most a day)'),
});
export type ContainerParams = z.infer<typeof ContainerParams>;

/**
 * The part of a Docker engine client this kind uses (dockerode's Docker
 * satisfies it): the seam a simulated engine plugs into
 * (harness/sim/resources), so the kind's cleanup is judged without Docker.
 */
export interface DockerClient {
  ping(): Promise<unknown>;
  getImage(name: string): { inspect(): Promise<unknown> };
  createContainer(options: Docker.ContainerCreateOptions): Promise<DockerContainer>;
  listContainers(options: { all: true; filters: { label: string[] } }): Promise<readonly { Id: string }[]>;
  getContainer(id: string): Pick<DockerContainer, 'remove'>;
}

/** The part of a dockerode Container this kind uses. */
export interface DockerContainer {
  start(): Promise<unknown>;
  wait(): Promise<unknown>;
  logs(options: { stdout: true; stderr: true; follow: false }): Promise<Buffer>;
  kill(): Promise<unknown>;
  remove(options: { force: true }): Promise<unknown>;
}

export interface ContainerKindOptions {
  /** Docker engine socket; default DOCKER_SOCKET of `env` or /var/run/docker.sock. */
  socketPath?: string;
  /** The Docker client (default: dockerode on socketPath): one per attempt (`attempt` given) and one for a worker's start-up sweep. */
  docker?: (attempt?: { ctx: TaskContext; params: ContainerParams }) => DockerClient;
  /** The worker's environment (default process.env): where DOCKER_SOCKET is read. */
  env?: NodeJS.ProcessEnv;
}


/** Label on every container this kind creates; its value is the execution id. */
export const CONTAINER_LABEL = 'squall.execution';
/** Label on every container this kind creates; its value is the worker id (what the start-up sweep removes). */
export const CONTAINER_WORKER_LABEL = 'squall.worker';

/** Splits Docker's multiplexed (non-TTY) log stream into stdout and stderr. */
export function demuxDockerLogs(buf: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const stream = buf[i];
    const size = buf.readUInt32BE(i + 4);
    const payload = buf.subarray(i + 8, i + 8 + size);
    (stream === 2 ? err : out).push(payload);
    i += 8 + size;
  }
  const tail = (b: Buffer[]): string => utf8Tail(Buffer.concat(b));
  return { stdout: tail(out), stderr: tail(err) };
}

function causeOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The engine answers and has the image locally (squall never pulls); otherwise a clear error. */
async function checkEngineAndImage(docker: DockerClient, socketPath: string, image: string): Promise<void> {
  try {
    await docker.ping();
  } catch (err) {
    throw new SquallError(ErrorCode.Unavailable, `Docker engine not reachable at ${socketPath}: ${causeOf(err)}`);
  }
  try {
    await docker.getImage(image).inspect();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) {
      throw new SquallError(ErrorCode.NotFound, `image ${image} not present locally; squall never pulls — build or load it first`);
    }
    throw new SquallError(ErrorCode.Unavailable, `Docker engine not reachable at ${socketPath}: ${causeOf(err)}`);
  }
}

function createTaskContainer(docker: DockerClient, { image, cmd, env }: ContainerParams, ctx: TaskContext): Promise<DockerContainer> {
  return docker.createContainer({
    Image: image,
    Cmd: cmd,
    Env: Object.entries(env ?? {}).map(([k, v]) => `${k}=${v}`),
    Tty: false,
    AttachStdout: false,
    AttachStderr: false,
    // So an operator (and the opt-in Docker suite) can find what squall made.
    Labels: { [CONTAINER_LABEL]: ctx.executionId, [CONTAINER_WORKER_LABEL]: ctx.workerId },
  });
}

/** Starts the container and waits for it, killing it on abort or after `timeoutMs`; always removes it. */
async function runToExit(container: DockerContainer, { image, timeoutMs }: ContainerParams, ctx: TaskContext): Promise<ContainerResult> {
  let timedOut = false;
  const kill = (): void => {
    container.kill().catch(() => {});
  };
  const onAbort = (): void => kill();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let timer: TimerHandle | undefined;
  try {
    // An abort while the container was being created: never start it.
    ctx.signal.throwIfAborted();
    await container.start();
    // A kill before start is refused by the engine (409), so look again now.
    if (ctx.signal.aborted) kill();
    // The timeout counts from start, so a kill always hits a started container.
    if (timeoutMs !== undefined) {
      timer = ctx.clock.setTimeout(() => {
        timedOut = true;
        kill();
      }, timeoutMs);
    }
    const status = (await container.wait()) as { StatusCode?: number };
    const logs = demuxDockerLogs(await container.logs({ stdout: true, stderr: true, follow: false }));
    ctx.signal.throwIfAborted();
    const exitCode = status.StatusCode ?? -1;
    if (timedOut) throw new SquallError(ErrorCode.Timeout, `container ${image} exceeded its timeoutMs ${timeoutMs} and was killed`);
    if (exitCode !== 0) {
      throw new SquallError(ErrorCode.TaskFailed, `container ${image} exited with code ${exitCode}: ${logs.stderr.trim().slice(-2000)}`);
    }
    return { exitCode, stdout: logs.stdout, stderr: logs.stderr };
  } finally {
    timer?.cancel();
    ctx.signal.removeEventListener('abort', onAbort);
    await container.remove({ force: true }).catch(() => {});
  }
}

/**
 * Removes (force: killed first if running) every container labelled with
 * `worker`'s id: at a worker's start none of them is its own. An engine
 * that cannot be reached is logged and skipped (the attempts that need it
 * report it).
 */
async function sweepOrphans(docker: DockerClient, { workerId, logger }: WorkerStart): Promise<void> {
  let orphans: readonly { Id: string }[];
  try {
    orphans = await docker.listContainers({ all: true, filters: { label: [`${CONTAINER_WORKER_LABEL}=${workerId}`] } });
  } catch (err) {
    logger.warn({ err: causeOf(err) }, `cannot list the containers an earlier process of worker ${workerId} may have left: ${causeOf(err)}`);
    return;
  }
  if (orphans.length > 0) logger.warn({ containers: orphans.map((c) => c.Id) }, `removing ${orphans.length} container(s) an earlier process of worker ${workerId} left running`);
  await Promise.all(orphans.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch((err: unknown) => logger.warn({ container: c.Id, err: causeOf(err) }, `cannot remove container ${c.Id}: ${causeOf(err)}`))));
}

/** The `container` kind bound to one Docker engine. */
export function containerKind(opts: ContainerKindOptions = {}): TaskKind<ContainerParams> {
  const socketPath = opts.socketPath ?? (opts.env ?? process.env).DOCKER_SOCKET ?? '/var/run/docker.sock';
  const client = opts.docker ?? ((): DockerClient => new Docker({ socketPath }));
  /** Each started worker's sweep (one kind may serve several workers in one process): its attempts create nothing before it ends. */
  const sweeps = new Map<string, Promise<void>>();
  return defineTaskKind<ContainerParams>({
    name: 'container',
    description: 'Runs a Docker container on the worker\'s host (dangerous: a worker runs it only with --allow-kinds container).',
    params: ContainerParams,
    onWorkerStart(worker) {
      sweeps.set(worker.workerId, sweepOrphans(client(), worker));
    },
    async run(params, ctx) {
      await sweeps.get(ctx.workerId);
      const docker = client({ ctx, params });
      await checkEngineAndImage(docker, socketPath, params.image);
      ctx.signal.throwIfAborted();
      const container = await createTaskContainer(docker, params, ctx);
      return runToExit(container, params, ctx);
    },
  });
}
