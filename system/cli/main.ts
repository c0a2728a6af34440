/**
 * The system's own entry point (`npm run demo`; the compiled system's
 * binary): coordinator, worker, submit, executions, workers, kinds, tokens,
 * demo, without the harness. Errors a user can fix print one line and exit
 * with the command's code (CliError, exit-codes.ts), else 2.
 */
import { Command, CommanderError } from 'commander';
import { registerSystemCommands } from './index.js';
import { exitCodeOf } from './exit-codes.js';

/** Runs the system CLI on argv (as process.argv). */
export async function main(argv: string[]): Promise<void> {
  const program = new Command().name('squall').description('a distributed task execution system').showHelpAfterError().exitOverride();
  registerSystemCommands(program);
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
