/**
 * A swarm host child (swarm-host.ts): N real workers in one process,
 * controlled over stdin/stdout; their events stream back as JSON lines
 * stamped with monoNow(). Pause/resume/kill act on the whole process (all
 * its workers).
 */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { SystemEvent } from '../../system/core/index.js';
import { REPO_ROOT, spawnChild, stopChild, tailBuffer } from '../proc/index.js';
import { ChildHandle } from './child-handle.js';
import type { HostCommand, HostedWorkerConfig, HostOutput } from './swarm-host.js';

const SWARM_HOST = resolve(REPO_ROOT, 'harness/live/swarm-host.ts');

/** A worker event as a host reports it. */
export interface StampedEvent {
  mono: number;
  event: SystemEvent;
}

type Waiter = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** N workers in one child process, spawned, commanded and stopped as one. */
export class SwarmHostProcess extends ChildHandle {
  private nextReq = 1;
  private readonly waiting = new Map<number, Waiter>();
  private output = tailBuffer();
  private exitListeners: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly onEvent: (e: StampedEvent, host: string) => void,
    /** Sees every chunk the host prints (the live secret scan). */
    private readonly onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void,
  ) {
    super();
  }

  /** Spawns the host and waits for its ready line. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.running) throw new Error(`swarm host ${this.name} already running`);
    const child = spawnChild(process.execPath, ['--import', 'tsx', SWARM_HOST], {
      cwd: REPO_ROOT,
      env: { ...process.env, SQUALL_SECRET: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr?.on('data', (c: Buffer) => {
      this.output.push(c);
      this.onOutput?.('stderr', c);
    });
    child.stdout?.on('data', (c: Buffer) => this.onOutput?.('stdout', c));
    const ready = this.readyOrExit(child, timeoutMs);
    child.once('exit', () => {
      for (const w of this.waiting.values()) w.reject(new Error(`swarm host ${this.name} exited`));
      this.waiting.clear();
      for (const l of this.exitListeners.splice(0)) l();
    });
    child.stdin?.on('error', () => undefined);
    await ready;
  }

  /** Resolves at the host's ready line; routes its event and reply lines from then on. */
  private readyOrExit(child: ChildProcess, timeoutMs: number): Promise<void> {
    return new Promise<void>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`swarm host ${this.name} not ready within ${timeoutMs} ms:\n${this.output.text()}`)), timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(t);
        rej(new Error(`swarm host ${this.name} exited with ${code} before ready:\n${this.output.text()}`));
      });
      if (child.stdout === null) throw new Error('swarm host spawned without a stdout pipe');
      createInterface({ input: child.stdout }).on('line', (line) => {
        const out = parseLine(line);
        if (out?.t === 'ready') {
          clearTimeout(t);
          res();
        } else if (out !== undefined) this.route(out);
      });
    });
  }

  private route(out: HostOutput): void {
    if (out.t === 'ev') {
      this.onEvent({ mono: out.mono, event: out.e }, this.name);
    } else if (out.t === 'reply' && out.req !== undefined) {
      const w = this.waiting.get(out.req);
      this.waiting.delete(out.req);
      if (out.ok) w?.resolve(out.data);
      else w?.reject(new Error(`swarm host ${this.name}: ${out.error ?? 'failed'}`));
    }
  }

  /** Sends a command; resolves with the host's reply data. */
  command(c: HostCommand): Promise<unknown> {
    const child = this.child;
    if (child === undefined || !this.running) return Promise.reject(new Error(`swarm host ${this.name} is not running`));
    const req = this.nextReq++;
    return new Promise((res, rej) => {
      this.waiting.set(req, { resolve: res, reject: rej });
      child.stdin?.write(`${JSON.stringify({ ...c, req })}\n`);
    });
  }

  spawnWorkers(workers: HostedWorkerConfig[]): Promise<unknown> {
    return this.command({ cmd: 'spawn', workers });
  }

  /** Asks the host to exit (workers stop without draining); SIGKILL if it does not. */
  stop(graceMs = 3_000): Promise<void> {
    return stopChild(this.child, { graceMs, ask: () => void this.command({ cmd: 'exit' }).catch(() => undefined) });
  }

  onExit(listener: () => void): void {
    this.exitListeners.push(listener);
  }

  outputTail(): string {
    return this.output.text();
  }
}

function parseLine(line: string): HostOutput | undefined {
  try {
    return JSON.parse(line) as HostOutput;
  } catch {
    return undefined;
  }
}
