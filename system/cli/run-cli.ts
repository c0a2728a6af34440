/**
 * How every `squall` command line ends, the system build's and the full
 * one's (harness/cli/main.ts): one error handling for both.
 */
import { type Command, CommanderError, InvalidArgumentError } from 'commander';
import { exitCodeOf } from './exit-codes.js';

/**
 * Parses argv and runs the command. Errors a user can fix print one line
 * (`squall: ...`) and exit with the command's code (CliError, exit-codes.ts),
 * else 2; a commander InvalidArgumentError thrown by an action (commander
 * prints only its parsers' own) prints the same way and exits 2; programming errors (TypeError, RangeError) keep their stack.
 */
export async function runCli(program: Command, argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    // Thrown by an action, not by an option's parser: commander has not printed it.
    if (err instanceof InvalidArgumentError) {
      process.stderr.write(`squall: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
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
