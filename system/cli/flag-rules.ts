/**
 * The flag combinations `squall coordinator` and `squall worker` refuse as
 * they parse, before anything is opened or written (a data dir, tokens.json,
 * a bootstrap token, a socket), each named by its flags, as a bad flag value
 * is (exit 2, `error: ...`, the command's usage). Two sources, in order:
 * - the rules here, about what only the command line knows: where the secret
 *   comes from (flags or environment), TLS files, the data dir;
 * - the processes' own config resolvers run on the config the flags build
 *   (config-flags.ts: coordinatorStartConflict, workerStartConflict), so the
 *   numeric pairs (heartbeat timeout and ceiling, backoff cap, durations,
 *   limits, retention) are refused exactly when the process would refuse them.
 * A combination let through must start: tests/cli/flag-agreement.property.test.ts
 * holds the two to each other over generated flag values.
 */
import type { Command } from 'commander';
import { isLoopbackHost } from '../core/loopback.js';
import { envSetting } from './env.js';

/** The flags the rules read: a secret's sources, the rest per command. */
interface SecretFlags {
  secret?: string;
  secretFile?: string;
}
export interface CoordinatorRuleFlags extends SecretFlags {
  host: string;
  store?: string;
  dataDir?: string;
  signMessages?: boolean;
  apiAuth: 'token' | 'none';
  insecure?: boolean;
  tlsCert?: string;
  tlsKey?: string;
}
export interface WorkerRuleFlags extends SecretFlags {
  coordinator: string;
  insecure?: boolean;
  allowKinds?: string[];
}

/** A rule: the reason a combination is refused, or undefined. */
type Rule<F> = (f: F, env: NodeJS.ProcessEnv) => string | undefined;

const SECRET_SOURCES = 'a worker secret (--secret-file, --secret, $SQUALL_SECRET_FILE or $SQUALL_SECRET)';

/** Whether any source of the shared secret is given (options.ts resolveSecret reads them in this order). */
export function secretGiven(f: SecretFlags, env: NodeJS.ProcessEnv): boolean {
  return f.secretFile !== undefined || (f.secret ?? '') !== '' || envSetting(env, 'SQUALL_SECRET_FILE') !== undefined || envSetting(env, 'SQUALL_SECRET') !== undefined;
}

const coordinatorRules: Rule<CoordinatorRuleFlags>[] = [
  (f) => (f.store === 'memory' && f.dataDir !== undefined ? '--data-dir and --store memory exclude each other: the memory store keeps no files' : undefined),
  (f) => ((f.tlsCert === undefined) !== (f.tlsKey === undefined) ? '--tls-cert and --tls-key go together: give both or neither' : undefined),
  (f, env) => (f.signMessages === true && !secretGiven(f, env) ? `--sign-messages needs ${SECRET_SOURCES}` : undefined),
  (f, env) => {
    if (isLoopbackHost(f.host) || f.insecure === true || (secretGiven(f, env) && f.apiAuth === 'token')) return undefined;
    const missing = [...(secretGiven(f, env) ? [] : [SECRET_SOURCES]), ...(f.apiAuth === 'token' ? [] : ['--api-auth token (not --api-auth none)'])];
    return `--host ${f.host} is reachable from other machines: it needs ${missing.join(' and ')}, or --insecure to accept the risk`;
  },
];

const workerRules: Rule<WorkerRuleFlags>[] = [
  (f, env) => {
    if (secretGiven(f, env) || f.insecure === true) return undefined;
    const host = new URL(f.coordinator).hostname;
    if (!isLoopbackHost(host)) return `--coordinator ${f.coordinator} is not a loopback address: without ${SECRET_SOURCES} this worker would obey anyone there; give one, or --insecure to accept that`;
    if ((f.allowKinds ?? []).length > 0) return `--allow-kinds ${(f.allowKinds ?? []).join(',')} needs ${SECRET_SOURCES}, so that only the real coordinator can make this worker run them (or --insecure)`;
    return undefined;
  },
];

/** The first reason `flags` are refused, or undefined (exported for the unit tests); `env`: the environment the secret is read from (the caller's, never process.env behind its back). */
export function coordinatorFlagConflict(flags: CoordinatorRuleFlags, env: NodeJS.ProcessEnv): string | undefined {
  for (const rule of coordinatorRules) {
    const why = rule(flags, env);
    if (why !== undefined) return why;
  }
  return undefined;
}

/** The first reason worker `flags` are refused, or undefined. */
export function workerFlagConflict(flags: WorkerRuleFlags, env: NodeJS.ProcessEnv): string | undefined {
  for (const rule of workerRules) {
    const why = rule(flags, env);
    if (why !== undefined) return why;
  }
  return undefined;
}

/** Refuses, before the command's action runs, the flag combinations `conflict` names: exit 2 and the usage, as a bad value. `given(key)`: the option was on the command line. */
export function refuseConflictingFlags<F>(cmd: Command, conflict: (flags: F, given: (key: string) => boolean) => string | undefined): Command {
  return cmd.hook('preAction', (self) => {
    const why = conflict(self.opts() as F, (key) => self.getOptionValueSource(key) === 'cli');
    if (why !== undefined) self.error(`error: ${why}`, { exitCode: 2, code: 'squall.conflictingFlags' });
  });
}
