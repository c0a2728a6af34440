/** Harness commands of the `squall` CLI. */
import type { Command } from 'commander';
import { registerSimCommands } from './sim-commands.js';

export function registerHarnessCommands(program: Command): void {
  registerSimCommands(program);
}
