/**
 * The built-in task kinds. The coordinator validates submissions against
 * their params schemas; a worker advertises and runs them.
 */
import { type CommandKindOptions, commandKindWith } from './command.js';
import { type ContainerKindOptions, containerKind } from './container.js';
import { cpuKind } from './cpu.js';
import { echoKind } from './echo.js';
import { failKind } from './fail.js';
import type { TaskKind } from './kind.js';
import { sleepKind } from './sleep.js';

export { SleepParams } from './sleep.js';
export { EchoParams } from './echo.js';
export { FailParams } from './fail.js';
export { CpuParams } from './cpu.js';
export { CommandParams } from './command.js';
export { ContainerParams } from './container.js';

export { DANGEROUS_KINDS } from './kind.js';

export interface BuiltinTaskKindOptions {
  container?: ContainerKindOptions;
  command?: CommandKindOptions;
}

/** sleep, echo, fail, cpu, command and container, by name. */
export function builtinTaskKinds(opts: BuiltinTaskKindOptions = {}): Map<string, TaskKind<unknown>> {
  const kinds = [sleepKind, echoKind, failKind, cpuKind, commandKindWith(opts.command), containerKind(opts.container)] as TaskKind<unknown>[];
  return new Map(kinds.map((k) => [k.name, k]));
}
