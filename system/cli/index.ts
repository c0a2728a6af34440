/**
 * The system's own commands: run a coordinator or a worker, manage tokens,
 * and operate a running system (submit, executions, workers, kinds, demo).
 * The `squall` binary (harness/cli/main.ts) adds the harness commands on top;
 * system/cli/main.ts runs these alone. system/ never imports harness/.
 */
import type { Command } from 'commander';
import { registerCoordinatorCommand } from './coordinator.js';
import { registerDemoCommand } from './demo.js';
import { registerExecutionsCommand } from './executions.js';
import { registerKindsCommand } from './kinds.js';
import { registerSubmitCommand } from './submit.js';
import { registerTokensCommand } from './tokens.js';
import { registerWorkerCommand } from './worker.js';
import { registerWorkersCommand } from './workers.js';

export { runCli } from './run-cli.js';
export { choiceOption, intOption, numberOption } from './options.js';
export { refuseConflictingFlags } from './flag-rules.js';

export { renderTable } from './format.js';
export { CliError, EXIT, exitCodeOf } from './exit-codes.js';
// The client commands (and tokens) and their seams, for running them in-process (harness/scenario/client-cli.ts).
export { registerExecutionsCommand, registerKindsCommand, registerSubmitCommand, registerTokensCommand, registerWorkersCommand };
export { type CliIo, processIoOf, type ProcessLike } from './cli-io.js';
export type { CliHttp, CliHttpAnswer, CliHttpRequest, CliSend, CliStreamSink } from './cli-http.js';
export { cliHttpOver, nodeHttp } from './cli-http.js';
// The long-running commands' stop and process seam, for running their shutdown path on simulated processes (harness/scenario/process-stop.ts).
export { coordinatorShutdown, workerShutdown } from './shutdown.js';
export { onShutdownSignal, type ProcessControl } from './signals.js';
// The coordinator command's flags-to-config path, for the deployment probes (harness/scenario/deploy-probe-cli.ts).
export { addSecurityOptions, securityConfig } from './coordinator-security.js';
export { openCoordinatorStore, sqliteStoreOptions } from './coordinator-store.js';
export { fileEventSink } from './event-file.js';
export { createLogger, logsPretty } from './logger.js';
export { addCoordinatorOptions, coordinatorCommand, coordinatorConfig, type CoordinatorFlags } from './coordinator.js';
export { addWorkerOptions, workerCommand, workerConfig, workerConfigFromFlags, type WorkerFlags } from './worker.js';

/** Adds every system command to a commander program. */
export function registerSystemCommands(program: Command): void {
  registerCoordinatorCommand(program);
  registerWorkerCommand(program);
  registerSubmitCommand(program);
  registerExecutionsCommand(program);
  registerWorkersCommand(program);
  registerKindsCommand(program);
  registerTokensCommand(program);
  registerDemoCommand(program);
}
