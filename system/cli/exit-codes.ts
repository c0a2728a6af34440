/**
 * The exit codes of the client commands (submit, executions, workers,
 * kinds), one table for --help, the docs and the code, so a script can tell
 * "the coordinator is down" from "the task failed" from "you typed it wrong".
 */
import { type ErrorCode, SquallError } from '../core/errors.js';

/** Exit code -> meaning; documented verbatim in --help and README. */
export const EXIT = {
  ok: 0,
  /** The work ended badly: a waited-for execution ended failed, cancelled or timeout. */
  workFailed: 1,
  /** Bad flags or input (also a 400 from the API). */
  usage: 2,
  /** Cannot reach the coordinator (refused, unknown host, TLS, timeout). */
  unreachable: 3,
  /** No such execution (404). */
  notFound: 4,
  /** The API refused the token (401/403). */
  refused: 5,
  /** The request conflicts with the execution's state (409), e.g. cancelling a finished one. */
  conflict: 6,
  /** The coordinator failed or is overloaded (5xx, 429). */
  serverError: 7,
} as const;

/** The table printed at the end of each client command's --help. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  the work ended badly (a waited-for execution failed, was cancelled or timed out)
  2  bad flags or input (also HTTP 400)
  3  cannot reach the coordinator (refused, unknown host, TLS, timeout)
  4  not found (HTTP 404)
  5  the API refused the token (HTTP 401/403)
  6  conflicts with the execution's state (HTTP 409)
  7  coordinator error or overload (HTTP 5xx, 429)`;

/** A client command's failure: one line for stderr and the exit code it maps to. */
export class CliError extends SquallError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly exitCode: number,
  ) {
    super(code, message);
    this.name = 'CliError';
  }
}

/** The exit code of an HTTP error status. */
export function exitCodeOfStatus(status: number): number {
  if (status === 404) return EXIT.notFound;
  if (status === 401 || status === 403) return EXIT.refused;
  if (status === 409) return EXIT.conflict;
  if (status >= 500 || status === 429) return EXIT.serverError;
  return EXIT.usage;
}

/**
 * The exit code for an error a user can act on (a CliError's own, 2 for any
 * other SquallError or plain Error), or undefined for a bug (TypeError,
 * RangeError, non-errors): those keep their stack.
 */
export function exitCodeOf(err: unknown): number | undefined {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof SquallError) return EXIT.usage;
  if (err instanceof Error && !(err instanceof TypeError) && !(err instanceof RangeError)) return EXIT.usage;
  return undefined;
}
