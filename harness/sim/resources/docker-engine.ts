/**
 * A Docker engine on one simulated worker host, on virtual time: the
 * `container` kind's DockerClient seam (system/tasks/container.ts) talks to
 * it as to dockerode. It knows a few preloaded images (SIM_IMAGES) and never
 * fetches one by itself (a create of a missing image is refused 404, as the
 * API does); containers run their cmd with the script interpreter
 * (script.ts), keep their output for `logs`, and die by `kill` (exit 137).
 * The engine is its own process: its containers outlive a worker crash,
 * labelled `squall.execution`, as Docker's do. Every operation is recorded
 * (records.ts); answers reach the worker through its host, so a killed
 * worker never hears them.
 */
import type { Marks, TimerHandle } from '../../../system/core/index.js';
import type Docker from 'dockerode';
import { CONTAINER_LABEL, CONTAINER_WORKER_LABEL, type DockerClient, type DockerContainer } from '../../../system/tasks/index.js';
import type { Host } from '../host.js';
import type { VirtualTime } from '../virtual-time.js';
import { type AttemptRef, envAgainstTask, leakedSecrets, type ResourceSink } from './records.js';
import { type ExitStatus, parseCommand, ScriptRun, SIGNAL_NUMBERS } from './script.js';

/** Images every simulated engine has locally. */
const SIM_IMAGES: readonly string[] = ['busybox:1.36', 'alpine:3.20', 'squall/tool:1'];

/**
 * Engine weather an attempt meets, by the image it asks for (a scenario
 * names one to face it; docs/TASK-KINDS.md gives each its error): the engine
 * not listening on its socket (every call refused, ECONNREFUSED), its socket
 * missing (ENOENT, Docker not installed or not started), or the engine up but
 * failing the image inspect with a 500.
 */
const WEATHER: Readonly<Record<string, 'refused' | 'no-socket' | 'error-500'>> = { 'sim/engine-refused:1': 'refused', 'sim/engine-no-socket:1': 'no-socket', 'sim/engine-500:1': 'error-500' };
/** Where dockerode dials by default (the kind's default socketPath). */
const SOCKET = '/var/run/docker.sock';
/** Virtual ms an API call takes, request to answer. */
const API_MS = 2;

type State = 'created' | 'running' | 'exited' | 'removed';

interface SimContainer {
  id: string;
  ref: AttemptRef;
  cmd: string[];
  state: State;
  labels: Readonly<Record<string, string>>;
  run: ScriptRun | undefined;
  out: Buffer[];
  exit: ExitStatus | undefined;
  waiters: (() => void)[];
}

/** An error as dockerode gives it: a message and the engine's HTTP status. */
function apiError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) ${message}`), { statusCode });
}

/** A failed dial of the engine's unix socket, as node's net module gives it to dockerode. */
function dialError(code: 'ECONNREFUSED' | 'ENOENT'): Error {
  return Object.assign(new Error(`connect ${code} ${SOCKET}`), { code, errno: code === 'ENOENT' ? -2 : -111, syscall: 'connect', address: SOCKET });
}

/** One 8-byte-header frame of Docker's multiplexed log stream. */
function frame(fd: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = fd;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** The simulated Docker engine of one host. */
export class SimDockerEngine {
  private readonly containers = new Map<string, SimContainer>();
  private next = 1;

  constructor(
    private readonly hostName: string,
    private readonly time: VirtualTime,
    private readonly sink: ResourceSink,
    private readonly marks: Marks,
  ) {}

  /** The worker died: its running containers carry on (Docker's, not the worker's). */
  ownerCrashed(): void {
    if ([...this.containers.values()].some((c) => c.state === 'running')) this.marks.hit('sim.container-outlived-worker');
  }

  /** A client for one attempt of the worker's incarnation (`ref`), or for its start-up sweep (no `ref`: it creates nothing): what `docker()` gives the kind. */
  client(host: Host, ref: AttemptRef | undefined, secrets: Readonly<Record<string, string>>, taskEnv?: Readonly<Record<string, string>>, image?: string): DockerClient {
    const weather = ref === undefined || image === undefined ? undefined : WEATHER[image];
    if (weather === 'refused' || weather === 'no-socket') return this.unreachable(host, ref as AttemptRef, image as string, weather === 'refused' ? 'ECONNREFUSED' : 'ENOENT');
    const call = this.caller(host, host.incarnation);
    const create = (o: Docker.ContainerCreateOptions): SimContainer => {
      if (ref === undefined) throw new Error('the sweep client creates no container');
      return this.create(ref, o.Image ?? '', o.Cmd, o.Env ?? [], o.Labels ?? {}, secrets, taskEnv);
    };
    // pull and createImage are dockerode's, not DockerClient's: a kind that pulls anyway (through a cast) is recorded doing so.
    const client: DockerClient & { pull(image: string): Promise<unknown>; createImage(o: { fromImage?: string }): Promise<unknown> } = {
      ping: () => call(() => 'OK'),
      getImage: (name) => ({ inspect: () => call(() => (weather === 'error-500' ? this.failed500(ref as AttemptRef, name) : this.inspect(ref, name))) }),
      createContainer: (o) => call(() => this.handle(call, create(o))),
      listContainers: (o) => call(() => this.list(o.filters.label)),
      getContainer: (id) => ({ remove: (o) => call(() => this.remove(this.byId(id), o.force)) }),
      pull: (image) => call(() => this.pull(ref ?? { execution: '', attempt: 0 }, image)),
      createImage: (o) => call(() => this.pull(ref ?? { execution: '', attempt: 0 }, o.fromImage ?? '')),
    };
    return client;
  }

  /** A client whose every call fails to dial the engine (`code`); the first failure an attempt sees is recorded (`answered`: promise 32 holds the outcome to it). */
  private unreachable(host: Host, ref: AttemptRef, image: string, code: 'ECONNREFUSED' | 'ENOENT'): DockerClient {
    const call = this.caller(host, host.incarnation);
    let told = false;
    const refuse = (what: string) => (): never => {
      if (!told) this.record('answered', ref, { call: what, error: code, cause: dialError(code).message, image });
      told = true;
      throw dialError(code);
    };
    return {
      ping: () => call(refuse('ping')),
      getImage: () => ({ inspect: () => call(refuse('inspect')) }),
      createContainer: () => call(refuse('create')),
      listContainers: () => call(refuse('list')),
      getContainer: () => ({ remove: () => call(refuse('remove')) }),
    };
  }

  /** An image inspect the engine fails with a 500 (recorded `answered`, as a 404 is). */
  private failed500(ref: AttemptRef, name: string): never {
    const err = apiError(500, `server error - failed to inspect image ${name}: input/output error`);
    this.record('answered', ref, { call: 'inspect', status: 500, cause: err.message, image: name });
    throw err;
  }

  /** Operations that reach the engine are done after API_MS; the answer goes to the incarnation that asked, if it still lives. */
  private caller(host: Host, incarnation: number) {
    return <T>(fn: () => T): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        this.time.setTimeout(() => {
          let answer: () => void;
          try {
            const v = fn();
            answer = () => resolve(v);
          } catch (err) {
            answer = () => reject(err as Error);
          }
          host.deliver(incarnation, answer);
        }, API_MS);
      });
  }

  private record(op: string, on: SimContainer | AttemptRef, fields: Record<string, unknown> = {}): void {
    const ref = 'ref' in on ? on.ref : on;
    this.sink({ resource: 'container', op, host: this.hostName, ...('ref' in on ? { id: on.id } : {}), execution: ref.execution, attempt: ref.attempt, ...fields });
  }

  /** Containers (any state but removed) carrying every `key=value` label given, as `docker ps -a --filter label=...`. */
  private list(labels: readonly string[]): { Id: string }[] {
    const has = (c: SimContainer): boolean => labels.every((l) => c.labels[l.slice(0, l.indexOf('='))] === l.slice(l.indexOf('=') + 1));
    return [...this.containers.values()].filter((c) => c.state !== 'removed' && has(c)).map((c) => ({ Id: c.id }));
  }

  private byId(id: string): SimContainer {
    const c = this.containers.get(id);
    if (c === undefined) throw apiError(404, `No such container: ${id}`);
    return c;
  }

  /** An image inspect; a 404 for an attempt is recorded (`answered`), so its outcome can be held to the documented error (promise 32). */
  private inspect(ref: AttemptRef | undefined, name: string): { Id: string } {
    if (!SIM_IMAGES.includes(name)) {
      if (ref !== undefined) this.record('answered', ref, { call: 'inspect', status: 404, image: name });
      throw apiError(404, `No such image: ${name}`);
    }
    return { Id: `sha256:${name}` };
  }

  private pull(ref: AttemptRef, image: string): Record<string, never> {
    this.record('pull', ref, { image });
    return {};
  }

  private create(ref: AttemptRef, image: string, cmd: string[] | string | undefined, env: string[], labels: Record<string, string>, secrets: Readonly<Record<string, string>>, taskEnv?: Readonly<Record<string, string>>): SimContainer {
    if (!SIM_IMAGES.includes(image)) {
      this.record('refused', ref, { why: 'create: no such image', image });
      throw apiError(404, `No such image: ${image}`);
    }
    const id = `${this.hostName}-c${this.next++}`;
    const c: SimContainer = { id, ref, cmd: typeof cmd === 'string' ? [cmd] : (cmd ?? []), state: 'created', labels: { ...labels }, run: undefined, out: [], exit: undefined, waiters: [] };
    this.containers.set(id, c);
    const vars = Object.fromEntries(env.map((e) => [e.slice(0, Math.max(0, e.indexOf('='))) || e, e.slice(e.indexOf('=') + 1)]));
    this.record('create', c, { image, cmd: c.cmd, label: labels[CONTAINER_LABEL] ?? null, worker: labels[CONTAINER_WORKER_LABEL] ?? null, envNames: Object.keys(vars).sort(), leaked: leakedSecrets(vars, secrets), ...envAgainstTask(vars, taskEnv, true) });
    return c;
  }

  /** The handle the kind holds: each method an API call on this container. */
  private handle(call: <T>(fn: () => T) => Promise<T>, c: SimContainer): DockerContainer {
    return {
      start: () => call(() => this.start(c)),
      wait: () => this.waitFor(call, c),
      logs: () => call(() => this.logs(c)),
      kill: () => call(() => this.kill(c)),
      remove: (o) => call(() => this.remove(c, o.force)),
    };
  }

  private live(c: SimContainer, op: string): void {
    if (c.state !== 'removed') return;
    this.record('refused', c, { why: `${op}: no such container` });
    throw apiError(404, `No such container: ${c.id}`);
  }

  private start(c: SimContainer): void {
    this.live(c, 'start');
    if (c.state !== 'created') return; // 304: already started
    const steps = parseCommand(c.cmd);
    if (steps === null) {
      this.record('refused', c, { why: `start: executable file not found: ${c.cmd[0] ?? ''}` });
      throw apiError(400, `failed to create task for container: exec: "${c.cmd[0] ?? ''}": executable file not found in $PATH`);
    }
    c.state = 'running';
    this.record('start', c);
    c.run = new ScriptRun(steps, {
      setTimeout: (fn, ms): TimerHandle => this.time.setTimeout(fn, ms),
      out: (fd, text) => c.out.push(frame(fd, text)),
      exited: (status) => this.exited(c, status),
    });
    c.run.start();
  }

  private exited(c: SimContainer, status: ExitStatus): void {
    c.state = 'exited';
    c.exit = status;
    const text = (fd: number): string => c.out.filter((b) => b[0] === fd).map((b) => b.subarray(8).toString()).join('');
    this.record('exit', c, { code: status.code ?? 128 + SIGNAL_NUMBERS[status.signal], ...(status.signal === null ? {} : { signal: status.signal }), stdout: text(1), stderr: text(2) });
    for (const w of c.waiters.splice(0)) w();
  }

  private waitFor(call: <T>(fn: () => T) => Promise<T>, c: SimContainer): Promise<unknown> {
    const answer = (): { StatusCode: number } => {
      this.live(c, 'wait');
      return { StatusCode: c.exit === undefined ? 137 : (c.exit.code ?? 128 + SIGNAL_NUMBERS[c.exit.signal]) };
    };
    if (c.state !== 'running') return call(answer);
    return new Promise((resolve, reject) => c.waiters.push(() => call(answer).then(resolve, reject)));
  }

  private logs(c: SimContainer): Buffer {
    this.live(c, 'logs');
    this.record('logs', c);
    return Buffer.concat(c.out);
  }

  private kill(c: SimContainer): void {
    this.live(c, 'kill');
    if (c.state !== 'running') {
      this.record('refused', c, { why: 'kill: container is not running' });
      throw apiError(409, `Container ${c.id} is not running`);
    }
    this.record('kill', c, { signal: 'SIGKILL' });
    this.marks.hit('sim.container-killed');
    c.run?.signal('SIGKILL');
  }

  private remove(c: SimContainer, force: boolean): void {
    this.live(c, 'remove');
    if (c.state === 'running' && !force) {
      this.record('refused', c, { why: 'remove: container is running' });
      throw apiError(409, `You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`);
    }
    if (c.state === 'running') c.run?.signal('SIGKILL');
    c.state = 'removed';
    this.record('remove', c);
  }
}
