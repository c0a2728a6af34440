/**
 * The one way the harness and the benchmarks start and stop child processes.
 * spawnChild registers every child so it is SIGKILLed when this process
 * exits, however it exits (no orphaned coordinator or fleet); stopChild is
 * the graceful stop (SIGCONT in case it was paused, ask it to exit, SIGKILL
 * after a grace period); kill9 and waitExit are the rest.
 */
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

function killAllOnExit(): void {
  for (const c of children) {
    try {
      if (c.pid !== undefined) process.kill(c.pid, 'SIGCONT');
      c.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Spawns `command args` and registers the child to be killed when this process exits. */
export function spawnChild(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options);
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', killAllOnExit);
  }
  return child;
}

/** For CLI commands: SIGINT/SIGTERM exit (running the exit hook that kills the children). */
export function exitOnSignals(): void {
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
}

/** Whether the child has not exited (nor been killed by a signal) yet. */
export function isRunning(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

/** Resolves true once the child has exited, false when timeoutMs passed first. */
export function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (!isRunning(child)) return Promise.resolve(true);
  return new Promise((res) => {
    const t = setTimeout(() => res(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(t);
      res(true);
    });
  });
}

/** kill -9; resolves once the process is gone (or after timeoutMs). */
export async function kill9(child: ChildProcess | undefined, timeoutMs = 5_000): Promise<void> {
  if (!isRunning(child)) return;
  child.kill('SIGKILL');
  await waitExit(child, timeoutMs);
}

/** SIGSTOP/SIGCONT of a running child (a paused process keeps its sockets open). */
export function signalChild(child: ChildProcess | undefined, signal: 'SIGSTOP' | 'SIGCONT'): void {
  if (isRunning(child) && child.pid !== undefined) process.kill(child.pid, signal);
}

export interface StopOptions {
  /** How to ask it to exit: a signal (default SIGTERM) or a function (a command on stdin, closing stdin). */
  ask?: NodeJS.Signals | ((child: ChildProcess) => void);
  /** How long it may take to exit before SIGKILL (default 3000 ms). */
  graceMs?: number;
  /** How long to wait for the exit after SIGKILL (default 2000 ms). */
  killWaitMs?: number;
}

/** Graceful stop: SIGCONT (in case it was paused), ask, SIGKILL after graceMs. */
export async function stopChild(child: ChildProcess | undefined, opts: StopOptions = {}): Promise<void> {
  if (!isRunning(child)) return;
  signalChild(child, 'SIGCONT');
  const ask = opts.ask ?? 'SIGTERM';
  if (typeof ask === 'function') ask(child);
  else child.kill(ask);
  if (!(await waitExit(child, opts.graceMs ?? 3_000))) {
    child.kill('SIGKILL');
    await waitExit(child, opts.killWaitMs ?? 2_000);
  }
}
