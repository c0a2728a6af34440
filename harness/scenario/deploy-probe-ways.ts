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
 * that coordinator refused to start). The same for a client command's API
 * token: `--token-file` as `echo`, a Windows editor and `printf` write it,
 * `--token`, `$SQUALL_TOKEN_FILE`, `$SQUALL_TOKEN`: the command, run to its
 * end against an exchange that answers 200, sends the same Authorization
 * every way. Recorded as `settingWays` notes that
 * promise 31 judges (harness/check/promises-cli-refusals.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { type CliHttp, type CliIo, type CoordinatorFlags, registerExecutionsCommand, registerWorkersCommand, securityConfig, workerConfigFromFlags, type WorkerFlags } from '../../system/cli/index.js';
import { silentLogger } from '../../system/core/index.js';
import { commandRefusal } from './command-accepts.js';

/** One configuration started each way: way → what happened. */
export interface SettingWays {
  command: 'coordinator' | 'worker' | 'client';
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
export function withSecretEnv<T>(env: NodeJS.ProcessEnv, fn: () => T, keys: readonly string[] = SECRET_ENV): T {
  const saved = keys.map((k) => [k, process.env[k]] as const);
  const write = process.stderr.write;
  for (const k of keys) {
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
export function startedOf(command: 'coordinator' | 'worker', flags: CoordinatorFlags & WorkerFlags, env: NodeJS.ProcessEnv): string {
  try {
    if (command === 'worker') return `started (${withSecretEnv(env, () => workerConfigFromFlags(flags)).secret === undefined ? 'no worker secret' : 'worker secret'})`;
    const c = withSecretEnv(env, () => securityConfig(flags, undefined, silentLogger).config);
    return `started (${c.secret === undefined ? 'no worker secret' : 'worker secret'}, ${c.signMessages === true ? 'frames signed' : 'CRC only'})`;
  } catch (err) {
    return `refused as it started: ${(err as Error).message.slice(0, 160)}`;
  }
}

/** One configuration started each way. */
function eachWay(command: 'coordinator' | 'worker', args: string[], file: string): SettingWays {
  const outcomes: Record<string, string> = {};
  for (const [way, w] of Object.entries(secretWays(file))) {
    let started = 'started';
    const o = { env: w.env, base: ['--id', 'ways-probe'], action: (f: CoordinatorFlags & WorkerFlags) => void (started = startedOf(command, f, w.env)) };
    const refusal = commandRefusal(command, [...w.flags, ...args], o);
    outcomes[way] = refusal === undefined ? started : `refused: ${refusal.slice(0, 160)}`;
  }
  return { command, setting: 'the worker secret', args, outcomes };
}

const TOKEN = `sqt_${'0'.repeat(15)}1_${'ab'.repeat(32)}`;
const TOKEN_ENV = ['SQUALL_TOKEN', 'SQUALL_TOKEN_FILE'] as const;

/** The client's documented ways to give its API token (README; --help): the file as shells and editors write it, the flag, the two variables. */
function tokenWays(dir: string): Record<string, { flags: string[]; env: NodeJS.ProcessEnv }> {
  const file = (name: string, end: string): string => {
    const path = join(dir, name);
    writeFileSync(path, `${TOKEN}${end}`, { mode: 0o600 });
    return path;
  };
  return {
    '--token-file (echo: a newline)': { flags: ['--token-file', file('token-lf', '\n')], env: {} },
    '--token-file (CRLF)': { flags: ['--token-file', file('token-crlf', '\r\n')], env: {} },
    '--token-file (printf: none)': { flags: ['--token-file', file('token-none', '')], env: {} },
    '--token': { flags: ['--token', TOKEN], env: {} },
    $SQUALL_TOKEN_FILE: { flags: [], env: { SQUALL_TOKEN_FILE: file('token-env', '\n') } },
    $SQUALL_TOKEN: { flags: [], env: { SQUALL_TOKEN: TOKEN } },
  };
}

/** A client command run to its end against an exchange that answers every request 200 `answer`: the Authorization it sent (the token shown as TOKEN) and its exit code. */
async function clientRun(args: string[], answer: string, way: { flags: string[]; env: NodeJS.ProcessEnv }): Promise<string> {
  const sent: string[] = [];
  let exit = 0;
  const http: CliHttp = {
    request: (req) => (sent.push(req.headers.authorization ?? req.headers.Authorization ?? 'none'), Promise.resolve({ status: 200, body: answer })),
    stream: () => Promise.resolve(),
  };
  const io: CliIo = { out: () => {}, err: () => {}, now: () => 0, isTTY: false, setExitCode: (c) => void (exit = c), interrupted: () => new AbortController().signal, http };
  const program = new Command().exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  registerExecutionsCommand(program, io);
  registerWorkersCommand(program, io);
  // The token is read as the command starts (before its first request): the variables are set for that synchronous part only.
  const done = withSecretEnv(way.env, () => program.parseAsync([...args, '--url', 'http://coordinator', ...way.flags], { from: 'user' }), TOKEN_ENV);
  try {
    await done;
  } catch (err) {
    return `refused: ${(err as Error).message.slice(0, 120)}`;
  }
  return `exit ${exit}, sent Authorization: ${sent.map((a) => a.replace(TOKEN, 'TOKEN')).join(', ') || 'no request'}`;
}

const TOKEN_SETTINGS: readonly [string[], string][] = [
  [['workers'], '{"workers":[]}'],
  [['executions', 'list', '--limit', '1'], '{"executions":[],"nextCursor":null}'],
];

/** Every configuration above, each way; `dir`: a temp directory for the secret and token files. */
export async function settingWaysResults(dir: string): Promise<SettingWays[]> {
  const file = join(dir, 'ways-secret');
  writeFileSync(file, `${SECRET}\n`, { mode: 0o600 });
  const out = [...COORDINATOR_SETTINGS.map((a) => eachWay('coordinator', a, file)), ...WORKER_SETTINGS.map((a) => eachWay('worker', a, file))];
  for (const [args, answer] of TOKEN_SETTINGS) {
    const outcomes: Record<string, string> = {};
    for (const [way, w] of Object.entries(tokenWays(dir))) outcomes[way] = await clientRun(args, answer, w);
    out.push({ command: 'client', setting: 'the API token', args, outcomes });
  }
  return out;
}
