/**
 * `squall tokens create|list|revoke`: API tokens in a coordinator's data dir
 * (`<data-dir>/tokens.json`, hashes only). Works whether the coordinator runs
 * or not: a running coordinator re-reads the file, so a revoke applies at its
 * next request. `create` prints the token once, on stdout, and nothing else
 * there (so `squall tokens create ... > ci.token` works). Exit codes are the
 * client commands' (exit-codes.ts): a revoke of an id no token has is 4 (not
 * found), bad flags 2. `list` shows the file's malformed entries too,
 * marked invalid with the reason (exit 0: the listing worked). The process by default; the simulation passes its own
 * CliIo and seeded Random (harness/scenario/client-cli.ts).
 */
import type { Command } from 'commander';
import { cryptoRandom, type Random } from '../core/random.js';
import { createToken, parseScope, TOKEN_SCOPES } from '../coordinator/tokens.js';
import { publicToken } from '../coordinator/tokens-api.js';
import { type BadTokenEntry, fileTokenStore } from '../coordinator/token-file.js';
import { type CliIo, processIo } from './cli-io.js';
import { EXIT } from './exit-codes.js';
import { iso } from './format.js';
import { choiceOption } from './options.js';

interface TokenFlags {
  dataDir: string;
}

/** `squall tokens list`: the file's tokens, and its malformed entries marked invalid (a table, or JSON with --json). */
function listTokens(flags: TokenFlags & { json?: boolean }, io: CliIo): void {
  // Entries the coordinator leaves out (a malformed hash, id, ...) are listed too, marked invalid with the reason: the operator's to fix.
  const bad: BadTokenEntry[] = [];
  const store = fileTokenStore(flags.dataDir, (_file, b) => void bad.push(b));
  const list = store.list();
  if (bad.length > 0) io.err(`${bad.length} malformed entr${bad.length === 1 ? 'y' : 'ies'} in ${store.path}, listed as invalid: their tokens are refused (401) until fixed\n`);
  if (flags.json === true) {
    // Times as ISO-8601, never epoch ms (README), like every client command's JSON.
    const views = list.map((t) => ({ ...publicToken(t), createdAt: iso(t.createdAt), revokedAt: t.revokedAt === undefined ? null : iso(t.revokedAt) }));
    const invalid = bad.map((b) => ({ id: b.id ?? null, entry: b.index, invalid: b.problem }));
    io.out(`${JSON.stringify([...views, ...invalid], null, 2)}\n`);
    return;
  }
  const rows = list.map((t) => [t.id, t.name, t.scope, iso(t.createdAt), t.revokedAt === undefined ? 'active' : `revoked ${iso(t.revokedAt)}`]);
  for (const b of bad) rows.push([b.id ?? `(entry ${b.index})`, '-', '-', '-', `invalid (entry ${b.index}): ${b.problem}`]);
  const table = [['ID', 'NAME', 'SCOPE', 'CREATED', 'STATE'], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) io.out(`${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
}

/** `squall tokens revoke <id>`: exit 4 when no token has that id. */
function revokeToken(id: string, flags: TokenFlags, io: CliIo): void {
  const store = fileTokenStore(flags.dataDir);
  if (!store.revoke(id, io.now())) {
    io.err(`no token with id "${id}" in ${store.path} (see squall tokens list)\n`);
    io.setExitCode(EXIT.notFound);
    return;
  }
  io.err(`revoked token ${id}\n`);
}

/** Registers `squall tokens ...` (io: where it prints and the time; random: the token's bytes). */
export function registerTokensCommand(program: Command, io: CliIo = processIo, random: Random = cryptoRandom): void {
  const tokens = program.command('tokens').description('create, list and revoke HTTP API tokens (stored hashed in the data dir)');
  tokens
    .command('create')
    .description('create a token and print it once (stdout)')
    .requiredOption('--name <name>', 'what the token is for, e.g. ci')
    .option('--scope <scope>', `${TOKEN_SCOPES.join(' | ')} (each includes the previous)`, choiceOption('--scope', TOKEN_SCOPES), 'read')
    .option('--data-dir <dir>', "the coordinator's data dir", '.squall-data')
    .action((flags: TokenFlags & { name: string; scope: string }) => {
      const store = fileTokenStore(flags.dataDir);
      const { token, record } = createToken(random, flags.name, parseScope(flags.scope, '--scope'), io.now());
      store.add(record);
      io.err(`created token ${record.id} "${record.name}" (scope ${record.scope}) in ${store.path}; it is shown once:\n`);
      io.out(`${token}\n`);
    });
  tokens
    .command('list')
    .description('list tokens (ids, names, scopes; never the tokens)')
    .option('--data-dir <dir>', "the coordinator's data dir", '.squall-data')
    .option('--json', 'print JSON instead of a table')
    .action((flags: TokenFlags & { json?: boolean }) => listTokens(flags, io));
  tokens
    .command('revoke')
    .description('revoke a token by id (a running coordinator refuses it from its next request); exit 4 when no token has that id')
    .argument('<id>', 'token id, as `squall tokens list` shows it')
    .option('--data-dir <dir>', "the coordinator's data dir", '.squall-data')
    .action((id: string, flags: TokenFlags) => revokeToken(id, flags, io));
}
