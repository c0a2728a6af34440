/**
 * The `command` kind in the simulation: same name and params as the real one
 * (system/tasks/command.ts), but it spawns nothing: it waits a few virtual ms
 * and completes with exit code 0 and its argv joined as stdout. Lets a
 * scenario give `command` work to a fleet where only some workers were started
 * with `allowKinds: [command]` (promise 26's allowed-kinds rule) without
 * running programs on the machine running the simulation.
 */
import { sleep as clockSleep } from '../../system/core/index.js';
import { builtinTaskKinds, CommandParams, defineTaskKind, type TaskKind } from '../../system/tasks/index.js';

/** How long a simulated command runs (virtual ms). */
const SIM_COMMAND_MS = 20;

const simCommandKind = defineTaskKind<CommandParams>({
  name: 'command',
  description: 'Simulated command: never spawns; completes after a few virtual ms with {exitCode: 0, stdout: argv joined}.',
  params: CommandParams,
  async run({ argv }, ctx) {
    await clockSleep(ctx.clock, SIM_COMMAND_MS, ctx.signal);
    return { exitCode: 0, stdout: argv.join(' '), stderr: '' };
  },
});

/** The built-in kinds with `command` simulated (container stays real: no simulated worker may allow it). */
export function simTaskKinds(): Map<string, TaskKind<unknown>> {
  const kinds = builtinTaskKinds();
  kinds.set('command', simCommandKind as TaskKind<unknown>);
  return kinds;
}
