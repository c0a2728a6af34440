/**
 * Test helper for the CLI's option builders: parses argv as a command does,
 * with an action that only records that it ran, and collects what commander
 * printed.
 */
import { Command, CommanderError } from 'commander';

/** Builds a command onto `cmd` and wires `action` as its action. */
export type Build = (cmd: Command, action: () => void) => Command;

/** Parses argv with `build`'s command; never throws for a refusal (its exit code and message are returned). */
export async function parseCommand(build: Build, argv: string[]): Promise<{ ran: boolean; exitCode?: number; err: string }> {
  let err = '';
  let ran = false;
  const cmd = build(new Command('x').exitOverride().configureOutput({ writeErr: (s) => void (err += s), writeOut: () => {} }), () => void (ran = true));
  try {
    await cmd.parseAsync(argv, { from: 'user' });
    return { ran, err };
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    return { ran, exitCode: e.exitCode, err };
  }
}
