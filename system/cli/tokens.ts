/**
 * `squall tokens create|list|revoke`: API tokens in a coordinator's data dir
 * (`<data-dir>/tokens.json`, hashes only). Works whether the coordinator runs
 * or not: a running coordinator re-reads the file, so a revoke applies at its
 * next request. `create` prints the token once, on stdout, and nothing else
 * there (so `squall tokens create ... > ci.token` works).
 */
import type { Command } from 'commander';
import { systemClock } from '../core/clock.js';
import { cryptoRandom } from '../core/random.js';
import { createToken, parseScope, TOKEN_SCOPES } from '../coordinator/tokens.js';
import { publicToken } from '../coordinator/tokens-api.js';
import { fileTokenStore } from '../coordinator/token-file.js';
import { choiceOption } from './options.js';

interface TokenFlags {
  dataDir: string;
}

/** Registers `squall tokens ...`. */
export function registerTokensCommand(program: Command): void {
  const tokens = program.command('tokens').description('create, list and revoke HTTP API tokens (stored hashed in the data dir)');
  tokens
    .command('create')
    .description('create a token and print it once (stdout)')
    .requiredOption('--name <name>', 'what the token is for, e.g. ci')
    .option('--scope <scope>', `${TOKEN_SCOPES.join(' | ')} (each includes the previous)`, choiceOption('--scope', TOKEN_SCOPES), 'read')
    .option('--data-dir <dir>', "the coordinator's data dir", '.squall-data')
    .action((flags: TokenFlags & { name: string; scope: string }) => {
      const store = fileTokenStore(flags.dataDir);
      const { token, record } = createToken(cryptoRandom, flags.name, parseScope(flags.scope, '--scope'), systemClock.now());
      store.add(record);
      process.stderr.write(`created token ${record.id} "${record.name}" (scope ${record.scope}) in ${store.path}; it is shown once:\n`);
      process.stdout.write(`${token}\n`);
    });
  tokens
    .command('list')
    .description('list tokens (ids, names, scopes; never the tokens)')
    .option('--data-dir <dir>', "the coordinator's data dir", '.squall-data')
    .option('--json', 'print JSON instead of a table')
    .action((flags: TokenFlags & { json?: boolean }) => {
      const list = fileTokenStore(flags.dataDir).list();
      if (flags.json === true) {
        process.stdout.write(`${JSON.stringify(list.map(publicToken), null, 2)}\n`);
        return;
      }
      const rows = list.map((t) => [t.id, t.name, t.scope, new Date(t.createdAt).toISOString(), t.revokedAt === undefined ? 'active' : `revoked ${new Date(t.revokedAt).toISOString()}`]);
      const table = [['ID', 'NAME', 'SCOPE', 'CREATED', 'STATE'], ...rows];
      const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
      for (const r of table) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
    });
  tokens
    .command('revoke')
    .description('revoke a token by id (a running coordinator refuses it from its next request)')
    .argument('<id>', 'token id, as `squall tokens list` shows it')
    .option('--data-dir <dir>', "the coordinator's data dir", '.squall-data')
    .action((id: string, flags: TokenFlags) => {
      const store = fileTokenStore(flags.dataDir);
      if (!store.revoke(id, systemClock.now())) {
        process.stderr.write(`no token with id "${id}" in ${store.path} (see squall tokens list)\n`);
        process.exitCode = 1;
        return;
      }
      process.stderr.write(`revoked token ${id}\n`);
    });
}
