/**
 * How every `squall` command line ends, the system build's and the full
 * one's (harness/cli/main.ts): one error handling for both.
 */
import { type Command, CommanderError } from 'commander';
import { SquallError } from '../core/errors.js';

/**
 * Parses argv and runs the command. Errors a user can fix print one line
 * (`squall: ...`) and set exit code 2; programming errors (TypeError,
 * RangeError) keep their stack.
 */
export async function runCli(program: Command, argv: string[]): Promise<void> {
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
