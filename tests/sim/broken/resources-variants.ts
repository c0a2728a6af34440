/**
 * Deliberately broken variants of the container and command kinds' cleanup
 * (tests/sim/broken-resources.test.ts), wired in through SimWiring.resources:
 * each rewrites what a worker's kind does with its simulated Docker client
 * or spawn, as the planted defect would (set 13 #20 and its class).
 */
import type { CommandChild, DockerClient, DockerContainer, SpawnCommand } from '../../../system/tasks/index.js';

/** Every call passed on to `client`. */
function passThrough(client: DockerClient): DockerClient {
  return {
    ping: () => client.ping(),
    getImage: (name) => client.getImage(name),
    createContainer: (o) => client.createContainer(o),
    listContainers: (o) => client.listContainers(o),
    getContainer: (id) => client.getContainer(id),
  };
}

/** A Docker client whose containers are rewritten by `wrap` (each container the kind creates). */
function wrapContainers(client: DockerClient, wrap: (c: DockerContainer) => DockerContainer, create: (o: Parameters<DockerClient['createContainer']>[0]) => typeof o = (o) => o): DockerClient {
  return { ...passThrough(client), createContainer: async (o) => wrap(await client.createContainer(create(o))) };
}

/** A worker's start-up sweep that finds nothing (a label filter that matches no container): what a crashed process left runs on beside its reassigned attempt. */
export function forgetsOrphans(_id: string, client: DockerClient): DockerClient {
  return { ...passThrough(client), listContainers: () => Promise.resolve([]) };
}

/** Set 13 #20: the container is removed only after a successful run; a failed attempt's container is left behind. */
export function keepsFailedContainers(_id: string, client: DockerClient): DockerClient {
  return wrapContainers(client, (c) => {
    let code = 0;
    return {
      start: () => c.start(),
      wait: async () => {
        const status = (await c.wait()) as { StatusCode?: number };
        code = status.StatusCode ?? -1;
        return status;
      },
      logs: (o) => c.logs(o),
      kill: () => c.kill(),
      remove: (o) => (code === 0 ? c.remove(o) : Promise.resolve()),
    };
  });
}

/** The worker's secret passed into every container's environment (the kind copying the worker's SQUALL_SECRET). */
export function secretIntoContainerEnv(secret: string): (id: string, client: DockerClient) => DockerClient {
  return (_id, client) => wrapContainers(client, (c) => c, (o) => ({ ...o, Env: [...(o.Env ?? []), `SQUALL_SECRET=${secret}`] }));
}

/** The command's child is never signalled on abort (cancel, timeout): kill() does nothing, so it runs to its own end. */
export function childNeverKilled(_id: string, spawn: SpawnCommand): SpawnCommand {
  return (program, args, options): CommandChild => {
    const child = spawn(program, args, options);
    return { stdout: child.stdout, stderr: child.stderr, on: (e: 'error' & 'close', fn: never) => child.on(e, fn), kill: () => true };
  };
}

/** The log stream read with stdout and stderr swapped (a demultiplexer reading the stream byte the wrong way round). */
export function swappedLogStreams(_id: string, client: DockerClient): DockerClient {
  return wrapContainers(client, (c) => ({
    start: () => c.start(),
    wait: () => c.wait(),
    logs: async (o) => {
      const buf = Buffer.from(await c.logs(o));
      for (let i = 0; i + 8 <= buf.length; i += 8 + buf.readUInt32BE(i + 4)) buf[i] = buf[i] === 2 ? 1 : 2;
      return buf;
    },
    kill: () => c.kill(),
    remove: (o) => c.remove(o),
  }));
}

/** A container the kind killed (a timeout, a cancel) is removed without its logs being read. */
export function killedContainersLogsSkipped(_id: string, client: DockerClient): DockerClient {
  return wrapContainers(client, (c) => {
    let killed = false;
    return {
      start: () => c.start(),
      wait: () => c.wait(),
      logs: (o) => (killed ? Promise.resolve(Buffer.alloc(0)) : c.logs(o)),
      kill: () => ((killed = true), c.kill()),
      remove: (o) => c.remove(o),
    };
  });
}

/** The kill on abort or timeout never reaches the engine: the container runs to its own end. */
export function containerNeverKilled(_id: string, client: DockerClient): DockerClient {
  return wrapContainers(client, (c) => ({ start: () => c.start(), wait: () => c.wait(), logs: (o) => c.logs(o), kill: () => Promise.resolve(), remove: (o) => c.remove(o) }));
}

/** The image pulled before every create (dockerode's pull, as a kind that "makes sure" it is there would). */
export function pullsBeforeCreate(_id: string, client: DockerClient): DockerClient {
  const pull = (client as unknown as { pull(image: string): Promise<unknown> }).pull;
  return { ...passThrough(client), createContainer: async (o) => (await pull(o.Image ?? ''), client.createContainer(o)) };
}

/** Set 14 #16: the child's base environment (PATH, LANG...) spread after the task's `env`, so the task can no longer override it. */
export function baseEnvOverTaskEnv(_id: string, spawn: SpawnCommand): SpawnCommand {
  return (program, args, opts) => spawn(program, args, { ...opts, env: { ...opts.env, PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' } });
}

/** A child's death by a signal read as exit 0 (blind set 17 #27: `!code` treating close code null like 0): the kind completes the attempt with {exitCode: 0}. */
export function signalDeathReadAsSuccess(_id: string, spawn: SpawnCommand): SpawnCommand {
  return (program, args, options): CommandChild => {
    const child = spawn(program, args, options);
    const on = (e: 'error' | 'close', fn: (...a: never[]) => void): unknown =>
      e === 'close' ? child.on('close', (code, signal) => (fn as (c: number | null, s: NodeJS.Signals | null) => void)(code ?? 0, code === null ? null : signal)) : child.on('error', fn as (err: Error) => void);
    return { stdout: child.stdout, stderr: child.stderr, on: on as CommandChild['on'], kill: (s) => child.kill(s) };
  };
}
