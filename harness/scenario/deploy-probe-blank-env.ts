/**
 * Deployment probes of the documented environment variables set but empty
 * or blank (adversary attack `deployment`, beside deploy-probe-ways.ts):
 * `export SQUALL_URL=`, an env file's `SQUALL_TOKEN=` line or a CI
 * template left unfilled is as the variable unset (README "Operating it
 * from the command line"). Each variable the README documents for the CLI
 * (CLI_ENV) is given to what reads it three ways, unset, set empty and set
 * blank, through the commands' own code: a client command (`squall
 * workers`, run to its end against an exchange answering 200: the URL it
 * asked and the Authorization it sent), `squall coordinator` and `squall
 * worker` (their flag rules and resolvers, then the secret they start
 * with), the logger the daemons make, the coordinator's store opening. The
 * outcomes are recorded as `settingWays` notes and promise 31 judges them
 * (one outcome every way; harness/check/promises-cli-refusals.ts): blind
 * set 22 #30 took an empty $SQUALL_URL as the URL ("--url must be an
 * http:// or https:// URL (got "")", exit 2) instead of the default.
 */
import { Command } from 'commander';
import { type CliHttp, type CliIo, type CoordinatorFlags, createLogger, openCoordinatorStore, registerWorkersCommand, type WorkerFlags } from '../../system/cli/index.js';
import { silentLogger } from '../../system/core/index.js';
import { commandRefusal } from './command-accepts.js';
import { type SettingWays, startedOf, withSecretEnv } from './deploy-probe-ways.js';

/** The ways a variable is probed: unset, set empty, set blank. */
const WAYS = { unset: undefined, 'set empty ("")': '', 'set blank ("  ")': '  ' } as const;

/** `squall workers` run to its end, with `env` set while it is made and parsed (the URL default and the token are read then): what it asked, sent and exited with. */
async function clientOutcome(name: string, env: NodeJS.ProcessEnv, flags: string[]): Promise<string> {
  const asked: string[] = [];
  let exit = 0;
  let said = '';
  const http: CliHttp = {
    request: (req) => (asked.push(`${req.method} ${req.url.href} (Authorization: ${req.headers.authorization ?? 'none'})`), Promise.resolve({ status: 200, body: '{"workers":[]}' })),
    stream: () => Promise.resolve(),
  };
  const io: CliIo = { out: () => {}, err: (s) => void (said += s), now: () => 0, isTTY: false, setExitCode: (c) => void (exit = c), interrupted: () => new AbortController().signal, http };
  const done = withSecretEnv(
    env,
    () => {
      const program = new Command().exitOverride().configureOutput({ writeOut: () => {}, writeErr: (s) => void (said += s) });
      registerWorkersCommand(program, io);
      return program.parseAsync(['workers', ...flags], { from: 'user' });
    },
    [name],
  );
  try {
    await done;
  } catch (err) {
    return `refused: ${(err as Error).message.slice(0, 120)}`;
  }
  return `exit ${exit}, ${asked.join('; ') || `no request (${said.trim().split('\n')[0] ?? ''})`}`;
}

/** `squall COMMAND ARGS` with `env` as its secret's environment: refused, or what it starts with. */
function daemonOutcome(command: 'coordinator' | 'worker', args: string[], env: NodeJS.ProcessEnv): string {
  let started = 'started';
  const o = { env, base: ['--id', 'blank-env-probe'], action: (f: CoordinatorFlags & WorkerFlags) => void (started = startedOf(command, f, env)) };
  const refusal = commandRefusal(command, args, o);
  return refusal === undefined ? started : `refused: ${refusal.slice(0, 160)}`;
}

/** The logger a daemon makes (`createLogger`, reading $SQUALL_LOG_LEVEL): its level, or its refusal. */
function loggerOutcome(env: NodeJS.ProcessEnv): string {
  try {
    return `logs at ${withSecretEnv(env, () => (createLogger({ name: 'blank-env-probe', pretty: false }) as unknown as { level: string }).level, ['SQUALL_LOG_LEVEL'])}`;
  } catch (err) {
    return `refused: ${(err as Error).message.slice(0, 120)}`;
  }
}

/** The coordinator's memory store opened as `squall coordinator` opens it (reading $SQUALL_STORE_FAULTS): faults planted or not. */
async function storeOutcome(env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { store } = openCoordinatorStore({ store: 'memory' }, silentLogger, env);
    await store.close();
    return `store ${store.constructor.name}`;
  } catch (err) {
    return `refused: ${(err as Error).message.slice(0, 120)}`;
  }
}

type Probe = (env: NodeJS.ProcessEnv) => string | Promise<string>;

/**
 * Each documented variable of the CLI and what reads it: [variable, command
 * line shown, probe].
 */
export const CLI_ENV: readonly [string, string[], Probe][] = [
  ['SQUALL_URL', ['workers'], (env) => clientOutcome('SQUALL_URL', env, [])],
  ['SQUALL_TOKEN', ['workers'], (env) => clientOutcome('SQUALL_TOKEN', env, ['--url', 'http://coordinator'])],
  ['SQUALL_TOKEN_FILE', ['workers'], (env) => clientOutcome('SQUALL_TOKEN_FILE', env, ['--url', 'http://coordinator'])],
  ['SQUALL_SECRET', ['coordinator', '--host', '0.0.0.0', '--api-auth', 'none', '--insecure'], (env) => daemonOutcome('coordinator', ['--host', '0.0.0.0', '--api-auth', 'none', '--insecure'], env)],
  ['SQUALL_SECRET_FILE', ['worker', '--coordinator', 'ws://127.0.0.1:7070'], (env) => daemonOutcome('worker', ['--coordinator', 'ws://127.0.0.1:7070'], env)],
  ['SQUALL_SECRET', ['worker', '--coordinator', 'ws://127.0.0.1:7070'], (env) => daemonOutcome('worker', ['--coordinator', 'ws://127.0.0.1:7070'], env)],
  ['SQUALL_LOG_LEVEL', ['coordinator'], loggerOutcome],
  ['SQUALL_STORE_FAULTS', ['coordinator', '--store', 'memory'], storeOutcome],
];

/** Every variable above, each way. */
export async function blankEnvResults(): Promise<SettingWays[]> {
  const out: SettingWays[] = [];
  for (const [name, shown, probe] of CLI_ENV) {
    const outcomes: Record<string, string> = {};
    for (const [way, v] of Object.entries(WAYS)) outcomes[way] = await probe(v === undefined ? {} : { [name]: v });
    const [command, ...args] = shown;
    out.push({ command: command === 'coordinator' || command === 'worker' ? command : 'client', setting: `$${name} (empty or blank: as unset)`, args: command === 'coordinator' || command === 'worker' ? args : shown, outcomes });
  }
  return out;
}
