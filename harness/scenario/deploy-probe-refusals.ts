/**
 * Deployment probes of how `squall coordinator` and `squall worker` refuse
 * a value (adversary attack `deployment`, beside deploy-probe-cli.ts),
 * each through the command itself (command-accepts.ts commandRefusal: its
 * flag rules, its inert-flag rules, the processes' resolvers it runs as it
 * parses), recorded as `flagRefusal` notes that promise 31 judges
 * (harness/check/promises-cli-refusals.ts):
 *
 * - every value flag with a documented grammar, range or choice list
 *   (documented-flags.ts' bounds, the few flags the scenarios never give,
 *   the choice flags) given alone a value outside it: below its least, above
 *   its most, not in its grammar, not a choice; the command must refuse it
 *   and the refusal must name that flag and no other (layer `parse`);
 * - the same flags with the command's own value check lifted (the value,
 *   read as a number, reaches the processes' resolvers the command runs
 *   next, its second line of defence): a refusal there must name the flag
 *   too, and no other (layer `resolver`; blind set 21 #10 mapped the
 *   breaker's reset field to `--breaker-threshold`, so the resolver's
 *   refusal of it blamed a flag the user never gave).
 *
 * What is invalid is read from the documentation (documented-flags.ts),
 * never from the commands' parsers.
 */
import { Command, CommanderError } from 'commander';
import { type CliIo, registerExecutionsCommand, registerSubmitCommand, registerTokensCommand } from '../../system/cli/index.js';
import { seededRandom } from '../../system/core/index.js';
import { type Bound, COORDINATOR_BOUNDS, WORKER_BOUNDS } from './documented-flags.js';
import { commandRefusal } from './command-accepts.js';

/** One refusal probe: the command line, the flag given wrong, and what the command answered (null: it accepted). */
export interface FlagRefusal {
  /** `client`: a client command, its name in `args`. */
  command: 'coordinator' | 'worker' | 'client';
  layer: 'parse' | 'resolver';
  flag: string;
  args: string[];
  refusal: string | null;
  /** What the documentation gives this command line (deploy-probe-bounds.ts); absent: a parse-layer probe must be refused, a resolver-layer one may start. */
  expect?: 'refused' | 'started';
  /** The other flags a refusal may name beside `flag` (a relation's other side). */
  also?: string[];
  /** The bound or relation probed, as the documentation says it. */
  bound?: string;
}

/** Value flags of the commands outside the scenarios' bounds table, from their --help. */
export const MORE_COORDINATOR: Readonly<Record<string, Bound>> = { '--port': { grammar: 'int', min: 0, max: 65_535 }, '--compression-threshold': { grammar: 'int', min: 0 } };
export const MORE_WORKER: Readonly<Record<string, Bound>> = { '--drain-timeout-ms': { grammar: 'int', min: 0 } };

/** The choice flags (--help: "one of"), each given a value that is none of them. */
const CHOICES: Readonly<Record<'coordinator' | 'worker', readonly string[]>> = {
  coordinator: ['--store', '--api-auth', '--metrics-auth', '--log-level'],
  worker: ['--backoff', '--allow-kinds', '--log-level'],
};

/** Flags a flag needs beside it to mean anything (README "Flags with no effect are refused"): given valid, so only the flag under probe is wrong. */
export const COMPANIONS: Readonly<Record<string, readonly string[]>> = { '--retain-sweep': ['--retain-count', '10'] };

/** Values outside a flag's documented grammar or range. */
function invalidValues(b: Bound): string[] {
  const below = b.min > 0 ? String(b.min - 1) : '-1';
  const decimalBelow = b.grammar === 'decimal' && b.min > 0 ? [String(b.min - 0.5)] : [];
  return [below, ...decimalBelow, 'ten', ...(b.max === undefined ? [] : [String(b.max + 1)])];
}

/** Values the command's resolvers see when its own check is lifted: the least one outside the range as a number, and no number. */
function resolverValues(b: Bound): string[] {
  return [b.min > 0 ? '0' : '-1', 'ten'];
}

function probe(command: 'coordinator' | 'worker', layer: FlagRefusal['layer'], flag: string, value: string): FlagRefusal {
  const args = [...(COMPANIONS[flag] ?? []), flag, value];
  const refusal = commandRefusal(command, args, layer === 'resolver' ? { lift: flag } : {});
  return { command, layer, flag, args, refusal: refusal ?? null };
}

/** Every probe above, for both commands. */
export function flagRefusalResults(): FlagRefusal[] {
  const out: FlagRefusal[] = [];
  const tables = { coordinator: { ...COORDINATOR_BOUNDS, ...MORE_COORDINATOR }, worker: { ...WORKER_BOUNDS, ...MORE_WORKER } } as const;
  for (const command of ['coordinator', 'worker'] as const) {
    for (const [flag, bound] of Object.entries(tables[command])) {
      for (const v of invalidValues(bound)) out.push(probe(command, 'parse', flag, v));
      for (const v of resolverValues(bound)) out.push(probe(command, 'resolver', flag, v));
    }
    for (const flag of CHOICES[command]) out.push(probe(command, 'parse', flag, 'bogus'));
  }
  return out;
}

/**
 * The client commands' value flags with a documented range, grammar or
 * choices (--help, README), each given a value outside it beside the flags
 * the command needs: [command line before it, flag, bad values].
 */
const CLIENT_PROBES: readonly [string[], string, string[]][] = [
  [['submit', '--kind', 'echo'], '--timeout-ms', ['0', 'ten']],
  [['submit', '--kind', 'echo'], '--params', ['{not json']],
  [['submit', '--kind', 'echo'], '--retry', ['{not json']],
  [['submit', '--kind', 'echo'], '--priority', ['urgent']],
  [['executions', 'list'], '--limit', ['0', '1001', 'ten']],
  [['executions', 'list'], '--status', ['done']],
  [['executions', 'watch', 'ex_0000000000000000'], '--poll-ms', ['99', '60001', 'ten']],
  [['tokens', 'create', '--name', 'probe'], '--scope', ['bogus']],
];

/** A client command run to its end against an exchange answering every request 404 (so one that wrongly accepts ends at its first request): why it refused, or undefined. */
async function clientRefusal(args: string[], dir: string): Promise<string | undefined> {
  const io: CliIo = {
    out: () => {},
    err: () => {},
    now: () => 0,
    isTTY: false,
    setExitCode: () => {},
    interrupted: () => AbortSignal.abort(),
    http: { request: () => Promise.resolve({ status: 404, body: '{"error":{"code":"not_found","message":"refusal probe"}}' }), stream: () => Promise.resolve() },
    sleep: () => Promise.resolve(),
  };
  const program = new Command().exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  registerSubmitCommand(program, io);
  registerExecutionsCommand(program, io);
  registerTokensCommand(program, io, seededRandom(1));
  const where = args[0] === 'tokens' ? ['--data-dir', dir] : ['--url', 'http://coordinator'];
  try {
    await program.parseAsync([...args, ...where], { from: 'user' });
    return undefined;
  } catch (err) {
    return err instanceof CommanderError ? err.message.replace(/^error: /, '') : undefined;
  }
}

/** The client commands' probes (layer `parse`); `dir`: a temp directory for `tokens` to work in. */
export async function clientRefusalResults(dir: string): Promise<FlagRefusal[]> {
  const out: FlagRefusal[] = [];
  for (const [before, flag, values] of CLIENT_PROBES) {
    for (const v of values) {
      const args = [...before, flag, v];
      out.push({ command: 'client', layer: 'parse', flag, args, refusal: (await clientRefusal(args, dir)) ?? null });
    }
  }
  return out;
}
