/**
 * The flags every client command shares (--url, --token-file/--token/
 * $SQUALL_TOKEN, --tls-ca, --json) and what they resolve to: an API target
 * and whether to print JSON (asked for, or stdout is not a terminal).
 */
import type { Command } from 'commander';
import type { ApiTarget } from './api-client.js';
import type { CliIo } from './cli-io.js';
import { envSetting } from './env.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { readPemFile, resolveToken } from './options.js';

/** Parsed shared client flags. */
export interface ClientFlags {
  url: string;
  token?: string;
  tokenFile?: string;
  tlsCa?: string;
  json?: boolean;
}

/** The default coordinator URL: $SQUALL_URL (empty or blank is as unset), else the coordinator's default port on loopback. */
function defaultUrl(): string {
  return envSetting(process.env, 'SQUALL_URL') ?? 'http://127.0.0.1:7070';
}

/** Adds the shared flags and the exit-code table to a client command's help. */
export function addClientOptions(cmd: Command, scope = 'read'): Command {
  return cmd
    .option('--url <url>', 'coordinator HTTP base URL (or $SQUALL_URL)', defaultUrl())
    .option('--token-file <path>', `file holding the API token (${scope} scope), or $SQUALL_TOKEN_FILE`)
    .option('--token <token>', 'API token (prefer --token-file or $SQUALL_TOKEN: the command line is visible in ps)')
    .option('--tls-ca <pem>', 'CA certificate to trust for an https:// coordinator (a private CA, or its own certificate)')
    .option('--json', 'print JSON (the default when stdout is not a terminal); times as ISO-8601')
    .addHelpText('after', EXIT_CODES_HELP);
}

/** Where and how to call the API for these flags (through the io's HTTP exchange when it has one). */
export function clientTarget(flags: ClientFlags, io?: Pick<CliIo, 'http'>): ApiTarget {
  return {
    base: flags.url.replace(/\/+$/, ''),
    token: resolveToken(flags.token, flags.tokenFile),
    ca: flags.tlsCa === undefined ? undefined : readPemFile(flags.tlsCa, '--tls-ca'),
    ...(io?.http === undefined ? {} : { http: io.http }),
  };
}

/** JSON when asked for, or when stdout is a pipe or file (scripts); a table on a terminal. */
export function wantsJson(flags: ClientFlags, isTTY = process.stdout.isTTY): boolean {
  return flags.json === true || isTTY !== true;
}
