/** Waiting for a child process to be ready: its HTTP health answer, or a first line on stdout. */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Monotonic ms comparable across processes on this machine (performance.timeOrigin + performance.now()). */
export function monoNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Resolves after ms of wall-clock time. */
export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `GET url` until 200 or the deadline; throws naming the URL and what the process said (describe()). */
export async function waitHealthy(url: string, timeoutMs: number, describe: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await delay(25);
  }
  throw new Error(`no healthy answer from ${url} within ${timeoutMs} ms (last: ${last})${describe()}`);
}

/**
 * Resolves with the child's first stdout line parsed by `parse`, rejects when
 * the child exits first, parse throws, or timeoutMs passes; `name` and
 * `output()` (what it said on stderr) go into the error.
 */
export function firstLine<T>(child: ChildProcess, name: string, timeoutMs: number, output: () => string, parse: (line: string) => T): Promise<T> {
  return new Promise<T>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`${name} not ready within ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(t);
      rej(new Error(`${name} exited with ${code} before ready:\n${output()}`));
    });
    if (child.stdout === null) throw new Error(`${name}: spawn it with stdout piped`);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(t);
      try {
        res(parse(line));
      } catch {
        rej(new Error(`${name} said ${line}`));
      }
    });
  });
}
