/**
 * The production binding of the task context's `spawn` seam (kind.ts
 * `RawSpawn`): node's child_process.spawn, called as node's spawn is. A
 * worker hands it to every attempt (TaskContext.spawn) unless its deps give
 * another (WorkerDeps.spawn: the simulation gives each attempt its host's
 * simulated process table, through the same seam), so the options the
 * command kind builds (shell, stdio, env, cwd) reach whichever table runs
 * the child as production built them. An adapter: the only module of
 * system/ that starts processes.
 */
import { spawn as childSpawn } from 'node:child_process';
import type { CommandChild, RawSpawn } from './kind.js';

/** node's spawn (a ChildProcess with piped stdout and stderr satisfies CommandChild). */
export const nodeSpawn: RawSpawn = (program, args, options) => childSpawn(program, [...args], options) as unknown as CommandChild;
