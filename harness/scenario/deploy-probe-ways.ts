/**
 * Deployment probes of the ways to give the worker secret (adversary attack
 * `deployment`, beside deploy-probe-refusals.ts): the README and --help
 * give four, `--secret-file F`, `--secret S`, `$SQUALL_SECRET_FILE`,
 * `$SQUALL_SECRET`, and say nothing that tells them apart but `--secret`
 * showing in `ps`. So each documented configuration of `squall coordinator`
 * and `squall worker` is started with the same secret given each way,
 * through the command itself (its flag rules, inert-flag rules and
 * resolvers, command-accepts.ts commandRefusal, with the environment the way
 * sets) and, for the coordinator, the security config it then builds
 * (securityConfig: is there a secret, are frames signed): the outcomes must
 * be identical (blind set 21 #12: `--no-sign-messages` judged "no effect
 * without a worker secret" when the secret came from the environment, so
 * that coordinator refused to start). Recorded as `settingWays` notes that
 * promise 31 judges (harness/check/promises-cli-refusals.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CoordinatorFlags, securityConfig, workerConfigFromFlags, type WorkerFlags } from '../../system/cli/index.js';
import { silentLogger } from '../../system/core/index.js';
import { commandRefusal } from './command-accepts.js';

/** One configuration started each way: way → what happened. */
export interface SettingWays {
  command: 'coordinator' | 'worker';
  setting: string;
  args: string[];
  outcomes: Record<string, string>;
}

const SECRET = 'ways-probe-secret';
const SECRET_ENV = ['SQUALL_SECRET', 'SQUALL_SECRET_FILE'] as const;

/** The documented ways: the flags each adds and the environment each sets. */
function secretWays(file: string): Record<string, { flags: string[]; env: NodeJS.ProcessEnv }> {
  return {
    '--secret-file': { flags: ['--secret-file', file], env: {} },
    '--secret': { flags: ['--secret', SECRET], env: {} },
    $SQUALL_SECRET_FILE: { flags: [], env: { SQUALL_SECRET_FILE: file } },
    $SQUALL_SECRET: { flags: [], env: { SQUALL_SECRET: SECRET } },
  };
}

/** Configurations of the commands the README documents with a secret. */
const COORDINATOR_SETTINGS: readonly string[][] = [[], ['--no-sign-messages'], ['--sign-messages'], ['--host', '0.0.0.0'], ['--host', '0.0.0.0', '--no-sign-messages'], ['--store', 'memory', '--no-sign-messages']];
const WORKER_SETTINGS: readonly string[][] = [['--coordinator', 'ws://coordinator:7070'], ['--coordinator', 'ws://coordinator:7070', '--allow-kinds', 'command'], ['--coordinator', 'ws://127.0.0.1:7070', '--allow-kinds', 'container']];

/**
 * Runs `fn` (synchronous) with the process's secret variables set to
 * `env`'s (and only those), restored afterwards: the commands' start reads
 * the process's own. Its stderr warning (`--secret` shows in ps) is kept
 * out of the run's output.
 */
function withSecretEnv<T>(env: NodeJS.ProcessEnv, fn: () => T): T {
  const saved = SECRET_ENV.map((k) => [k, process.env[k]] as const);
  const write = process.stderr.write;
  for (const k of SECRET_ENV) {
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  process.stderr.write = () => true;
  try {
    return fn();
  } finally {
    process.stderr.write = write;
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** What the process is configured with as the command starts it (the coordinator's security config, the worker's config): a secret or none, frames signed or CRC only. */
function startedOf(command: SettingWays['command'], flags: CoordinatorFlags & WorkerFlags, env: NodeJS.ProcessEnv): string {
  try {
    if (command === 'worker') return `started (${withSecretEnv(env, () => workerConfigFromFlags(flags)).secret === undefined ? 'no worker secret' : 'worker secret'})`;
    const c = withSecretEnv(env, () => securityConfig(flags, undefined, silentLogger).config);
    return `started (${c.secret === undefined ? 'no worker secret' : 'worker secret'}, ${c.signMessages === true ? 'frames signed' : 'CRC only'})`;
  } catch (err) {
    return `refused as it started: ${(err as Error).message.slice(0, 160)}`;
  }
}

/** One configuration started each way. */
function eachWay(command: SettingWays['command'], args: string[], file: string): SettingWays {
  const outcomes: Record<string, string> = {};
  for (const [way, w] of Object.entries(secretWays(file))) {
    let started = 'started';
    const o = { env: w.env, base: ['--id', 'ways-probe'], action: (f: CoordinatorFlags & WorkerFlags) => void (started = startedOf(command, f, w.env)) };
    const refusal = commandRefusal(command, [...w.flags, ...args], o);
    outcomes[way] = refusal === undefined ? started : `refused: ${refusal.slice(0, 160)}`;
  }
  return { command, setting: 'the worker secret', args, outcomes };
}

/** Every configuration above, each way; `dir`: a temp directory for the secret file. */
export function settingWaysResults(dir: string): SettingWays[] {
  const file = join(dir, 'ways-secret');
  writeFileSync(file, `${SECRET}\n`, { mode: 0o600 });
  return [...COORDINATOR_SETTINGS.map((a) => eachWay('coordinator', a, file)), ...WORKER_SETTINGS.map((a) => eachWay('worker', a, file))];
}
