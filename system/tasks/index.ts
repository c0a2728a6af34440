/**
 * system/tasks: the built-in task kinds (sleep, echo, fail, cpu, command,
 * container) and the TaskKind contract a worker runs them through. This
 * index is how code outside system/ (the harness) reaches them.
 */
export * from './registry.js';
export { defineTaskKind, type RawSpawn, type TaskContext, type TaskKind } from './kind.js';
export { ABORT_REASONS, abortReasonOf, TaskAbortedError, type AbortReason } from './abort.js';
// The IO seams of the dangerous kinds: the simulation gives them a simulated Docker engine and process table (harness/sim/resources).
export { commandKindWith, productionSpawn, type CommandChild, type SpawnCommand } from './command.js';
export { nodeSpawn } from './child-spawn.js';
export { CONTAINER_LABEL, CONTAINER_WORKER_LABEL, containerKind, type DockerClient, type DockerContainer } from './container.js';
