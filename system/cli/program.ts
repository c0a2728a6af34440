/**
 * The system-only command line (coordinator, worker, submit, tokens and any
 * other command registerSystemCommands adds), with no side effect on import:
 * dist/system/cli/main.js runs it and bin/squall.js asks it which commands
 * it owns.
 */
import { Command } from 'commander';
import { registerSystemCommands } from './index.js';
import { SQUALL_VERSION } from '../core/version.js';

/** `squall` with the system's commands only: what the compiled build and the Docker image run. */
export function systemProgram(): Command {
  const program = new Command()
    .name('squall')
    .description('a distributed task execution system (system build: coordinator, worker, submit, executions, workers, kinds, tokens, demo; the harness commands need the full checkout)')
    .version(SQUALL_VERSION)
    .showHelpAfterError()
    .exitOverride();
  registerSystemCommands(program);
  return program;
}
