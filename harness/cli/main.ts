/**
 * The `squall` command line: system commands (coordinator, worker, submit)
 * plus the harness's (sim, replay, run, suite, proxy, bench, report, demo).
 * Errors a user can fix print one clear line and exit 2; failed checks exit 1.
 */
import { Command } from 'commander';
import { registerSystemCommands, runCli } from '../../system/cli/index.js';
import { SQUALL_VERSION } from '../version.js';
import { registerHarnessCommands } from './commands.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('squall')
    .description('a distributed task execution system and the chaos/simulation harness that proves it')
    .version(SQUALL_VERSION)
    .showHelpAfterError()
    .exitOverride();
  registerSystemCommands(program);
  registerHarnessCommands(program);
  await runCli(program, argv);
}

await main(process.argv);
