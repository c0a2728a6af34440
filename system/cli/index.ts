/**
 * The system's own commands (coordinator, worker, submit, tokens). The `squall`
 * binary (harness/cli/main.ts) adds the harness commands on top; system/
 * never imports harness/.
 */
import type { Command } from 'commander';
import { registerCoordinatorCommand } from './coordinator.js';
import { registerSubmitCommand } from './submit.js';
import { registerTokensCommand } from './tokens.js';
import { registerWorkerCommand } from './worker.js';

export { runCli } from './run-cli.js';
export { choiceOption, intOption } from './options.js';

export function registerSystemCommands(program: Command): void {
  registerCoordinatorCommand(program);
  registerWorkerCommand(program);
  registerSubmitCommand(program);
  registerTokensCommand(program);
}
