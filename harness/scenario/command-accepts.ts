/**
 * Whether the running system's own commands accept a scenario's command
 * lines (coordinator.args, fleet.args, a restart's args), asked as a run
 * starts each process, not at load: the loader refuses only what the
 * documentation refuses (documented-flags.ts), so a command line the docs
 * accept and the system's parser refuses is the system refusing its own
 * documented config, promise 8 in that run (config-refused.ts), and the rest
 * of the suite still runs (session 35; before, `squall suite` stopped with
 * "could not load its scenarios").
 */
import { Command, CommanderError } from 'commander';
import { coordinatorCommand, type CoordinatorFlags, workerCommand, type WorkerFlags } from '../../system/cli/index.js';
import { InvalidArgumentError } from '../../system/core/index.js';
import { ConfigRefused } from './config-refused.js';

/** How a probe runs the command: the environment its secret is read from ({} by default), a value flag whose own check is lifted (its value read as a number, or kept as text), the worker's base flags, the action run when it accepts. */
export interface CommandProbe {
  env?: NodeJS.ProcessEnv;
  lift?: string;
  /** The lifted flag's value reaches the resolvers as the text given (a name, an id), not as a number. */
  liftText?: boolean;
  base?: readonly string[];
  action?: (flags: CoordinatorFlags & WorkerFlags) => void;
}

/**
 * Why the real command refuses these flags as it parses (its own flag rules,
 * a flag with no effect, the process's config resolvers), or undefined. The
 * listen address, store and URL are the simulation's (loopback; --insecure
 * for the worker: its security is the scenario's own fields); the secret's
 * environment is empty (the harness's own must not change the verdict).
 */
export function commandRefusal(command: 'coordinator' | 'worker', args: readonly string[], o: CommandProbe = {}): string | undefined {
  let err = '';
  const cmd = new Command(command).exitOverride().configureOutput({ writeErr: (x) => void (err += x), writeOut: () => {} });
  const base = o.base ?? ['--coordinator', 'ws://127.0.0.1:7000', '--id', 'w-args', '--insecure'];
  const argv = command === 'coordinator' ? [...args] : [...base, ...args];
  const c = command === 'coordinator' ? coordinatorCommand(cmd, (f) => o.action?.(f as CoordinatorFlags & WorkerFlags), o.env ?? {}) : workerCommand(cmd, (f) => o.action?.(f as CoordinatorFlags & WorkerFlags), o.env ?? {});
  const lifted = o.lift === undefined ? undefined : c.options.find((opt) => opt.long === o.lift);
  // The command's own value check lifted: the value, read as a number, reaches the processes' resolvers the command runs next.
  if (lifted !== undefined) lifted.argParser((v: string) => (o.liftText === true ? v : Number(v)));
  try {
    c.parse(argv, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    return (err.split('\n')[0] ?? e.message).replace(/^error: /, '');
  }
  return undefined;
}

/**
 * Throws ConfigRefused (promise 8) when `squall COMMAND ARGS` refuses the
 * flags `process` is started with (`when`: at start, or at a restart); no
 * args, nothing to ask.
 */
export function refuseUnlessCommandAccepts(process: string, command: 'coordinator' | 'worker', args: readonly string[] | undefined, when?: string): void {
  if (args === undefined) return;
  const why = commandRefusal(command, args);
  if (why === undefined) return;
  throw new ConfigRefused(process, new InvalidArgumentError(`squall ${command} refuses the flags ${args.join(' ')}, which the documentation accepts: ${why}`), when);
}
