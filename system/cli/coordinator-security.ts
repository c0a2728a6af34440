/**
 * The coordinator command's security flags, kept apart from its other flags:
 * the worker secret (--secret-file / $SQUALL_SECRET), token auth for the HTTP
 * API (on by default; tokens in the data dir, or in memory with
 * --store memory), a bootstrap admin token written to a file, TLS, the
 * Host/Origin allow-lists and --insecure.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { systemClock } from '../core/clock.js';
import { sha256Hex } from '../core/crypto.js';
import type { Logger } from '../core/logger.js';
import { cryptoRandom } from '../core/random.js';
import type { CoordinatorConfig } from '../coordinator/config.js';
import { createToken, memoryTokenStore, type TokenStore } from '../coordinator/tokens.js';
import { fileTokenStore } from '../coordinator/token-file.js';
import { choiceOption, listOption, readPemFile, resolveSecret } from './options.js';

/** The parsed security flags. */
export interface SecurityFlags {
  secret?: string;
  secretFile?: string;
  signMessages?: boolean;
  apiAuth: 'token' | 'none';
  metricsAuth: 'token' | 'none';
  bootstrapTokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  allowedOrigins?: string[];
  allowedHosts?: string[];
  insecure?: boolean;
}

/** Adds the security flags to the coordinator command. */
export function addSecurityOptions(cmd: Command): Command {
  return cmd
    .option('--secret-file <path>', 'file holding the shared worker secret (or $SQUALL_SECRET_FILE / $SQUALL_SECRET)')
    .option('--secret <secret>', 'shared worker secret (visible in ps: prefer --secret-file or $SQUALL_SECRET)')
    .option('--sign-messages', 'sign every message with a per-connection key (default when a secret is set)')
    .option('--no-sign-messages', 'do not sign messages after registration (a man in the middle could then inject frames: use TLS)')
    .option('--api-auth <mode>', 'token: every endpoint but /healthz needs a bearer token; none: open (loopback or --insecure only)', choiceOption('--api-auth', ['token', 'none'] as const), 'token')
    .option('--metrics-auth <mode>', 'token: /metrics needs a read token; none: open for scrapers', choiceOption('--metrics-auth', ['token', 'none'] as const), 'token')
    .option('--bootstrap-token-file <path>', 'admin token file: used if it exists, else a new admin token is written there (mode 0600)')
    .option('--tls-cert <pem>', 'certificate chain (PEM): serve https:// and wss://')
    .option('--tls-key <pem>', 'private key (PEM) of --tls-cert')
    .option('--allowed-origins <list>', 'comma-separated browser origins allowed to call the API, beside its own', listOption)
    .option('--allowed-hosts <list>', 'comma-separated host names the API may be addressed as (DNS rebinding guard)', listOption)
    .option('--insecure', 'allow a non-loopback address without authentication (warns loudly; /healthz says so)');
}

/** Adds the bootstrap admin token from `path` to the store, creating the file (0600) if it does not exist. */
function ensureBootstrapToken(path: string, store: TokenStore): { id: string; created: boolean } {
  if (existsSync(path)) {
    const token = readFileSync(path, 'utf8').trim();
    const m = /^sqt_([0-9a-f]{16})_[0-9a-f]{64}$/.exec(token);
    if (m === null) throw new InvalidArgumentError(`--bootstrap-token-file ${path} does not hold a squall token (sqt_<16 hex>_<64 hex>); delete it to have one made`);
    const id = m[1] as string;
    const known = store.find(id);
    if (known === undefined) store.add({ id, name: 'bootstrap', scope: 'admin', hash: sha256Hex(token), createdAt: systemClock.now() });
    else if (known.hash !== sha256Hex(token)) throw new InvalidArgumentError(`--bootstrap-token-file ${path}: token id ${id} is already used by another token`);
    return { id, created: false };
  }
  const { token, record } = createToken(cryptoRandom, 'bootstrap', 'admin', systemClock.now());
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  store.add(record);
  return { id: record.id, created: true };
}

/** Turns the flags into coordinator config + token store; throws with the flag named on bad combinations. The secret's environment sources are read from `env` (the process's; a probe passes its own). */
export function securityConfig(flags: SecurityFlags, dataDir: string | undefined, logger: Logger, env: NodeJS.ProcessEnv = process.env): { config: CoordinatorConfig; tokens: TokenStore | undefined; secret: string | undefined } {
  const secret = resolveSecret(flags.secret, flags.secretFile, env);
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new InvalidArgumentError('--tls-cert and --tls-key go together: give both or neither');
  const tls = flags.tlsCert === undefined || flags.tlsKey === undefined ? undefined : { cert: readPemFile(flags.tlsCert, '--tls-cert'), key: readPemFile(flags.tlsKey, '--tls-key') };
  let tokens: TokenStore | undefined;
  if (flags.apiAuth === 'token') {
    // A malformed entry is left out (its token refused 401) and named at each load that finds it.
    tokens = dataDir === undefined ? memoryTokenStore() : fileTokenStore(dataDir, (file, bad) => logger.warn({ file, entry: bad.index, ...(bad.id === undefined ? {} : { tokenId: bad.id }), problem: bad.problem }, 'token file entry malformed: left out, its token is refused'));
    if (flags.bootstrapTokenFile !== undefined) {
      const b = ensureBootstrapToken(flags.bootstrapTokenFile, tokens);
      logger.info({ tokenId: b.id, file: flags.bootstrapTokenFile }, b.created ? 'bootstrap admin token written' : 'bootstrap admin token loaded');
    } else if (dataDir === undefined) {
      logger.warn({}, 'token auth with --store memory and no --bootstrap-token-file: no token can exist, every API call will be refused');
    }
  }
  return { config: securityOptions(flags, secret, tls), tokens, secret };
}

/** The coordinator options the security flags set, given the secret and TLS pair they point at (also what the parse-time check resolves, with stand-ins). */
export function securityOptions(flags: SecurityFlags, secret: string | undefined, tls: { cert: string; key: string } | undefined): CoordinatorConfig {
  return {
    ...(secret === undefined ? {} : { secret }),
    signMessages: flags.signMessages ?? secret !== undefined,
    apiAuth: flags.apiAuth,
    metricsAuth: flags.metricsAuth,
    allowedOrigins: flags.allowedOrigins ?? [],
    allowedHosts: flags.allowedHosts ?? [],
    insecure: flags.insecure === true,
    ...(tls === undefined ? {} : { tls }),
  };
}
