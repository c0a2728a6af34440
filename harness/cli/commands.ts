/** Harness commands of the `squall` CLI. */
import type { Command } from 'commander';

export function registerHarnessCommands(_program: Command): void {}
