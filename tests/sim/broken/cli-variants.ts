/**
 * Broken CLIs for promise 31 (tests/sim/broken-cli.test.ts), each planted
 * through a seam of the simulated CLI client (harness/sim/wiring.ts
 * CliWiring), as blind set 13 planted them in system/cli:
 *
 * - a watch without the wait (#17): the sleep between reads returns at
 *   once, so `executions watch` and `submit --wait` hammer the API;
 * - a 429 mapped to the wrong exit code (#29): an overloaded coordinator's
 *   refusal exits 2 (bad input) instead of 7;
 * - a watch that stops one status early: `executions watch` ends (exit 0)
 *   once the execution is running, the status before its terminal one.
 */
import type { Command } from 'commander';
import { CliError, EXIT, exitCodeOf } from '../../../system/cli/index.js';
import type { CliIo } from '../../../system/cli/index.js';
import type { CliWiring } from '../../../harness/sim/index.js';
import { clientTarget } from '../../../system/cli/client-options.js';
import { watchExecution } from '../../../system/cli/watch.js';

/** The CLI's sleep returns at once: no wait between a watch's reads. */
export const watchWithoutWait: CliWiring = { io: (io: CliIo): CliIo => ({ ...io, sleep: () => Promise.resolve() }) };

/** exitCodeOfStatus without its 429 case: a quota refusal is "bad input" (2). */
export const tooManyRequestsIsUsage: CliWiring = {
  exitCodeOf: (err) => (err instanceof CliError && err.exitCode === EXIT.serverError && /\(HTTP 429\)/.test(err.message) ? EXIT.usage : exitCodeOf(err)),
};

/** `executions watch <id>` that takes `running` for the end: the real loop, stopping one status early. */
export const watchStopsEarly: CliWiring = {
  program: (program: Command, io: CliIo) => {
    const watch = program.commands.find((c) => c.name() === 'executions')?.commands.find((c) => c.name() === 'watch');
    if (watch === undefined) throw new Error('no executions watch command to break');
    watch.action((id: string, flags: Parameters<typeof clientTarget>[0] & { pollMs?: number }) => watchExecution(clientTarget(flags, io), id, { ...flags, until: new Set(['running']) }, io));
  },
};
