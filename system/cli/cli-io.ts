/**
 * Where client commands write and what they ask of the process: stdout,
 * stderr, the time, whether stdout is a terminal, the exit code. The real
 * process by default; tests pass their own to read what a command printed
 * and run it in-process against a real coordinator, and the simulation
 * (harness/scenario/client-cli.ts) also its own HTTP exchange and sleep, so
 * a command runs on virtual time against the simulated coordinator.
 */
import type { CliHttp } from './cli-http.js';

/** The process as a client command sees it. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  now(): number;
  readonly isTTY: boolean;
  /** Sets the exit code (work failed: 1); errors set theirs through the thrown CliError. */
  setExitCode(code: number): void;
  /** Aborted on Ctrl-C (SIGINT) while a long command (watch, --wait) runs. */
  interrupted(): AbortSignal;
  /** The HTTP exchange (cli-http.ts); node:http/https when absent. */
  readonly http?: CliHttp;
  /** Waits ms, or less if the signal aborts; `sleep` below (real timers) when absent. */
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
}

/**
 * What a client command uses of its process: node's `process` has it. As
 * node leaves them, stdout's `isTTY` is true on a terminal and absent
 * (undefined, not false) on a pipe or a file; the simulation gives its
 * commands such a process (harness/scenario/client-cli.ts).
 */
export interface ProcessLike {
  readonly stdout: { readonly isTTY?: boolean; write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  exitCode?: number | string | undefined;
  once(event: 'SIGINT', listener: () => void): unknown;
}

/** The CliIo of a process: what it prints goes to its stdout, JSON unless that is a terminal. */
export const processIoOf = (process: ProcessLike): CliIo => ({
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  now: () => Date.now(),
  get isTTY() {
    return process.stdout.isTTY === true;
  },
  setExitCode: (code) => {
    process.exitCode = code;
  },
  interrupted: () => {
    const ac = new AbortController();
    process.once('SIGINT', () => ac.abort());
    return ac.signal;
  },
});

/** The real process. */
export const processIo: CliIo = processIoOf(process);

/** Waits ms, or less if the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
