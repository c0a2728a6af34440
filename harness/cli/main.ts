/**
 * The `squall` command line: system commands (coordinator, worker, submit)
 * plus the harness's (sim, replay, run, suite, proxy, bench, report, demo).
 * Errors a user can fix print one clear line and exit 2; failed checks exit 1.
 */
import { Command, CommanderError } from 'commander';
import { exitCodeOf, registerSystemCommands } from '../../system/cli/index.js';
import { registerHarnessCommands } from './commands.js';

export const VERSION = '0.1.0';

export async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('squall')
    .description('a distributed task execution system and the chaos/simulation harness that proves it')
    .version(VERSION)
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
    const code = exitCodeOf(err);
    if (code === undefined) throw err;
    process.stderr.write(`squall: ${(err as Error).message}\n`);
    process.exitCode = code;
  }
}

await main(process.argv);
