/**
 * The raw process start the command kind's node adapter calls
 * (command.ts `nodeSpawn`): node's child_process.spawn, unless a simulation
 * routes one call to its process table (`routeSpawn`), so the options
 * production passes (shell, stdio, env, cwd) reach the simulated table as
 * production built them. An adapter: its one module-level hook is set only
 * for the span of one synchronous call and restored after it.
 */
import { spawn as childSpawn, type SpawnOptions } from 'node:child_process';

/** A process start as node's spawn is called: program, arguments, options. */
export type RawSpawn = (program: string, args: readonly string[], options: SpawnOptions) => unknown;

let routed: RawSpawn | undefined;

/** node's spawn, or the routed start while `routeSpawn` runs. */
export const spawn = ((program: string, args: readonly string[], options: SpawnOptions): unknown => (routed ?? childSpawn)(program, args, options)) as unknown as typeof childSpawn;

/** Runs `fn` with every raw start inside it (synchronously) going to `raw` instead of node's spawn. */
export function routeSpawn<T>(raw: RawSpawn, fn: () => T): T {
  const before = routed;
  routed = raw;
  try {
    return fn();
  } finally {
    routed = before;
  }
}
