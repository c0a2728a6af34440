/**
 * The `squall` command line: system commands (coordinator, worker, submit)
 * plus the harness's (sim, replay, run, suite, proxy, bench, report, demo).
 * Errors a user can fix print one clear line and exit 2; failed checks exit 1.
 */
import { Command, CommanderError } from 'commander';
import { SquallError } from '../../system/core/index.js';
import { registerSystemCommands } from '../../system/cli/index.js';
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
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (err instanceof SquallError || (err instanceof Error && !(err instanceof TypeError) && !(err instanceof RangeError))) {
      process.stderr.write(`squall: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}

await main(process.argv);
