/**
 * Scenario field `cli`: the real client commands of system/cli run
 * in-process on virtual time against the simulated coordinator
 * (harness/scenario/client-cli.ts), each step one command line, count
 * times every everyMs from `at`; harness/check/promises-cli.ts judges what
 * each did against the README and --help (promise 31).
 *
 *   cli  [{at, args, token?, everyMs?, count?, file?, tty?, budgetMs?}]
 *
 * `args` is the command line after `squall`, without --url and the token
 * (the client adds them). Placeholders: `$last` the execution the CLI's
 * latest submit created (else as `$acked`), `$acked` the newest execution
 * the workload got acknowledged, `$live` the oldest acknowledged one still
 * unfinished (else as `$acked`), `$ended` the oldest acknowledged one that
 * ended (else as `$acked`), `$unknown` an id no execution has, `$last#N`
 * the N-th execution (from 1) of the CLI's latest batch or graph, `$cursor`
 * the nextCursor its latest `executions list` answered, `$token` the id of
 * the token its latest `tokens create` made, `$unknown-token` an id no token
 * has, `$file`
 * the path of a file holding the step's `file` as JSON. Token files are
 * written as shells write them (client-cli.ts: a newline, CRLF or none).
 * `tokens create|list|revoke` run on the coordinator's token file (its data
 * dir), not over HTTP; `kinds` needs no coordinator (judged against the
 * checker's own table of kinds, promises-cli-kinds.ts). `tty: true` runs the command as on a terminal
 * (tables and human times, judged by promises-cli-human.ts). `budgetMs`
 * states how long (virtual ms) the command may take before it is reported
 * hung (promises-cli-hang.ts); without it, a command that does not wait is
 * hung when it runs past the CLI's request timeout or makes more requests
 * than the client allows one command (client-cli.ts).
 */
import { z } from 'zod';
import { Ms, PosInt } from './faults.js';

/** The token a CLI step presents: the client's submit-scope one, a read-scope one, a forged one, none. */
const CLI_TOKENS = ['submit', 'read', 'forged', 'none'] as const;

/** One CLI command line, repeated count times. */
export const CliStep = z.strictObject({
  at: Ms,
  args: z.array(z.string()).min(1),
  token: z.enum(CLI_TOKENS).default('submit'),
  everyMs: PosInt.default(1000),
  count: PosInt.max(200).default(1),
  /** JSON written to a file (UTF-8) whose path replaces `$file` in args: a --file spec or batch, a --graph. */
  file: z.unknown().optional(),
  /** Run as on a terminal: stdout is a TTY, so tables and "3s ago" times instead of JSON. */
  tty: z.boolean().default(false),
  /** Virtual ms within which the command returns after it starts (promise 31 reports it hung otherwise). */
  budgetMs: PosInt.optional(),
}).refine((s) => !(s.args[0] === 'kinds' && s.args.includes('--write')), { message: '`kinds --write` rewrites a docs file: not a step a scenario runs (kinds, kinds --json-schema and kinds --markdown are)', path: ['args'] });
export type CliStep = z.output<typeof CliStep>;
