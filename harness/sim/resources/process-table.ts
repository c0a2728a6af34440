/**
 * The operating system's process table on one simulated worker host, on
 * virtual time: the `command` kind's spawn seam (system/tasks/command.ts)
 * starts children here. A child runs its argv with the script interpreter
 * (script.ts), streams its output to the worker, and honours signals
 * (SIGTERM unless it trapped it, SIGKILL always). A program the interpreter
 * does not know cannot be started (ENOENT). A worker crash takes its
 * children with it, as a service manager's kill of the worker's control
 * group does (systemd, a container's PID namespace): each dies by SIGKILL,
 * recorded with cause `owner-crash`. The OOM killer (fault `oom_kill`)
 * kills one running child alone, cause `oom-killer`. Every operation is recorded
 * (records.ts); output and exit reach the worker through its host.
 *
 * The options a start is given are honoured as node's spawn honours them
 * (the simulation routes production's own spawn call here:
 * child-spawn.ts): without `shell`, each argv element is one literal
 * argument; with `shell`, node joins argv with spaces and /bin/sh (or the
 * shell named) interprets the line: `;` separates statements, blanks split
 * words, `$NAME` expands from the child's environment, an unbalanced quote
 * is a syntax error (script.ts `shellLine`).
 */
import type { Marks } from '../../../system/core/index.js';
import type { CommandChild } from '../../../system/tasks/index.js';
import type { Host } from '../host.js';
import type { VirtualTime } from '../virtual-time.js';
import { type AttemptRef, envAgainstTask, envAgainstWorker, leakedSecrets, type ResourceSink } from './records.js';
import { type ExitStatus, parseCommand, ScriptRun, shellLine } from './script.js';

/** A start as the table takes it: node's spawn arguments, the options node's spawn honours among them. */
export type TableSpawn = (program: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string | URL; shell?: boolean | string }) => CommandChild;

/** Virtual ms from spawn() to the program running (exec). */
const EXEC_MS = 1;
/** What one read of a child's pipe hands the worker at most: a long output arrives as many `data` events, as from a real pipe. */
const PIPE_READ_BYTES = 4096;

/** `text` cut into pipe reads of at most PIPE_READ_BYTES (cuts may fall inside a multi-byte character, as real reads do). */
function pipeReads(text: string): Buffer[] {
  const all = Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < all.length; i += PIPE_READ_BYTES) out.push(all.subarray(i, i + PIPE_READ_BYTES));
  return out;
}

type Listener = (...args: never[]) => void;

/** A child as node's ChildProcess shows it to the command kind: data, error and close events, kill(). */
class SimChild implements CommandChild {
  private readonly handlers = new Map<string, Listener[]>();
  readonly stdout = { on: (_e: 'data', fn: (b: Buffer) => void): void => this.add('out', fn) };
  readonly stderr = { on: (_e: 'data', fn: (b: Buffer) => void): void => this.add('err', fn) };
  run: ScriptRun | undefined;

  constructor(private readonly onKill: (sig: NodeJS.Signals) => boolean) {}

  on(event: 'error' | 'close', fn: Listener): this {
    this.add(event, fn);
    return this;
  }

  kill(signal: NodeJS.Signals): boolean {
    return this.onKill(signal);
  }

  emit(event: string, ...args: unknown[]): void {
    for (const fn of this.handlers.get(event) ?? []) (fn as (...a: unknown[]) => void)(...args);
  }

  private add(event: string, fn: Listener): void {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
  }
}

/** The process table of one host. */
export class SimProcessTable {
  private nextPid = 1000;
  /** Children still running, by pid (a crash of the worker kills them). */
  private readonly running = new Map<number, { run: ScriptRun; cause: string | undefined }>();

  constructor(
    private readonly hostName: string,
    private readonly time: VirtualTime,
    private readonly sink: ResourceSink,
    private readonly marks: Marks,
  ) {}

  /**
   * The host's OOM killer (fault `oom_kill`): as Linux's, it kills one process, the one with the
   * highest score; the simulated programs hold no memory, so the child started last stands for
   * it. It dies by SIGKILL, its worker lives on. Returns its pid (undefined: no child ran).
   */
  oomKill(): number | undefined {
    const [pid, victim] = [...this.running.entries()].at(-1) ?? [];
    if (victim === undefined) return undefined;
    victim.cause = 'oom-killer';
    victim.run.signal('SIGKILL');
    return pid;
  }

  /** The worker process died: its children die with it. */
  ownerCrashed(): void {
    for (const p of [...this.running.values()]) {
      p.cause = 'owner-crash';
      p.run.signal('SIGKILL');
    }
  }

  /** The spawn one attempt of the worker's current incarnation uses. */
  spawnFor(host: Host, ref: AttemptRef, secrets: Readonly<Record<string, string>>, taskEnv?: Readonly<Record<string, string>>, workerEnv: Readonly<Record<string, string>> = {}): TableSpawn {
    const incarnation = host.incarnation;
    return (file, fileArgs, options) => {
      const env = (options.env ?? {}) as Record<string, string>;
      const cwd = options.cwd === undefined ? undefined : String(options.cwd);
      const shell = options.shell === undefined || options.shell === false ? undefined : typeof options.shell === 'string' ? options.shell : '/bin/sh';
      // node's spawn with a shell: the argv joined with spaces, run as `<shell> -c <line>`.
      const [program, ...args] = shell === undefined ? [file, ...fileArgs] : [shell, '-c', [file, ...fileArgs].join(' ')];
      const pid = this.nextPid++;
      const rec = (op: string, fields: Record<string, unknown> = {}): void =>
        this.sink({ resource: 'process', op, host: this.hostName, id: String(pid), execution: ref.execution, attempt: ref.attempt, ...fields });
      const deliver = (fn: () => void): void => host.deliver(incarnation, fn);
      const steps = shell === undefined ? parseCommand([program, ...args]) : shellLine(args[1] ?? '', env);
      const child: SimChild = new SimChild((sig): boolean => {
        rec('signal', { signal: sig, running: child.run?.running === true });
        if (sig === 'SIGKILL' && child.run?.running === true) this.marks.hit('sim.child-sigkilled');
        return sig === 'SIGTERM' || sig === 'SIGKILL' ? (child.run?.signal(sig) ?? false) : false;
      });
      const argv = [program, ...args];
      if (steps === null) {
        rec('spawn-failed', { argv, why: 'ENOENT' });
        this.time.setTimeout(() => deliver(() => child.emit('error', Object.assign(new Error(`spawn ${program} ENOENT`), { code: 'ENOENT' }))), EXEC_MS);
        return child;
      }
      rec('spawn', { argv, ...(shell === undefined ? {} : { shell }), ...(cwd === undefined ? {} : { cwd }), envNames: Object.keys(env).sort(), leaked: leakedSecrets(env, secrets), ...envAgainstTask(env, taskEnv, false), ...envAgainstWorker(env, workerEnv, taskEnv) });
      const out: string[][] = [[], [], []];
      const entry = { run: undefined as unknown as ScriptRun, cause: undefined as string | undefined };
      child.run = entry.run = new ScriptRun(steps, {
        setTimeout: (fn, ms) => this.time.setTimeout(fn, ms),
        out: (fd, text) => {
          out[fd]?.push(text);
          for (const read of pipeReads(text)) deliver(() => child.emit(fd === 1 ? 'out' : 'err', read));
        },
        exited: (status: ExitStatus) => {
          this.running.delete(pid);
          rec('exit', { code: status.code, signal: status.signal, stdout: out[1]?.join('') ?? '', stderr: out[2]?.join('') ?? '', ...(entry.cause === undefined ? {} : { cause: entry.cause }) });
          deliver(() => child.emit('close', status.code, status.signal));
        },
      });
      this.running.set(pid, entry);
      this.time.setTimeout(() => entry.run.start(), EXEC_MS);
      return child;
    };
  }
}
