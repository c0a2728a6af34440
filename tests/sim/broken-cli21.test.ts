/**
 * Blind set 21's CLI misses (#10, #11, #12), each planted through a
 * `vi.mock` of the module the command runs and caught by the simulation
 * under promise 31 (cli), while the real system passes at the same seed:
 *
 * - #10's class, a resolver field told as another flag: the coordinator's
 *   `breaker.resetTimeoutMs`, or the worker's `heartbeatTimeoutMs`, spelled
 *   as a neighbour's flag (system/cli/config-flags.ts): the deployment
 *   probes' refusals past the parse (deploy-probe-refusals.ts,
 *   adversarial-clients); and a client command's range refused in another
 *   flag's name (system/cli/options.ts);
 * - #12's class, a rule that reads the secret from the flags only
 *   (system/cli/inert-flags.ts judged without the environment), or a
 *   client that does not read $SQUALL_TOKEN_FILE (system/cli/options.ts):
 *   the secret and the token given each documented way (deploy-probe-ways.ts);
 * - #11's class, the generated reference printing a bound it does not have
 *   (system/cli/kinds-doc.ts): `kinds --markdown` in cli-human against the
 *   zod schemas and docs/TASK-KINDS.md;
 * - #08's class, the event stream not given the token the API takes
 *   (system/cli/sse.ts): a watch's stream refused 401 while its later reads
 *   with the same token pass (promises-cli-stream.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as ConfigFlags from '../../system/cli/config-flags.js';
import type * as Inert from '../../system/cli/inert-flags.js';
import type * as KindsDoc from '../../system/cli/kinds-doc.js';
import type * as Options from '../../system/cli/options.js';
import type * as Sse from '../../system/cli/sse.js';
import { simVerdict } from './broken/verdict.js';

const broken = vi.hoisted(() => ({ resetAsThreshold: false, workerTimeoutAsInterval: false, inertBlindToEnv: false, maxLengthFromMin: false, streamWithoutToken: false, tokenEnvFileIgnored: false, pollAsLimit: false }));

// #10: a field mapped to the flag of the line above (copy-paste).
vi.mock('../../system/cli/config-flags.js', async (importOriginal) => {
  const real = await importOriginal<typeof ConfigFlags>();
  const misnamed = (table: Readonly<Record<string, ConfigFlags.FieldFlag>>): Readonly<Record<string, ConfigFlags.FieldFlag>> => {
    if (broken.resetAsThreshold && table === real.COORDINATOR_FIELD_FLAGS) return { ...table, 'breaker.resetTimeoutMs': table['breaker.failureThreshold'] as ConfigFlags.FieldFlag };
    if (broken.workerTimeoutAsInterval && table === real.WORKER_FIELD_FLAGS) return { ...table, heartbeatTimeoutMs: table.heartbeatMs as ConfigFlags.FieldFlag };
    return table;
  };
  return { ...real, resolverConflict: (resolve: () => unknown, table: Readonly<Record<string, ConfigFlags.FieldFlag>>, given: (key: string) => boolean) => real.resolverConflict(resolve, misnamed(table), given) };
});

// #12: the inert-flag rules judged without the environment's secret.
vi.mock('../../system/cli/inert-flags.js', async (importOriginal) => {
  const real = await importOriginal<typeof Inert>();
  return { ...real, coordinatorInertFlag: (f: Inert.CoordinatorPairFlags, given: Inert.Given, env: NodeJS.ProcessEnv) => real.coordinatorInertFlag(f, given, broken.inertBlindToEnv ? {} : env) };
});

// #11: a string's maximum length printed from its minLength.
vi.mock('../../system/cli/kinds-doc.js', async (importOriginal) => {
  const real = await importOriginal<typeof KindsDoc>();
  return { ...real, kindsMarkdown: (...a: Parameters<typeof real.kindsMarkdown>) => (broken.maxLengthFromMin ? real.kindsMarkdown(...a).replace(/length >= (\d+), length <= \d+/g, 'length >= $1, length <= $1') : real.kindsMarkdown(...a)) };
});

// #08's class: the event-feed follower not presenting the token as the API requests do (no Authorization at all).
vi.mock('../../system/cli/sse.js', async (importOriginal) => {
  const real = await importOriginal<typeof Sse>();
  return { ...real, followFeed: (t: Parameters<typeof real.followFeed>[0], ...rest: [Parameters<typeof real.followFeed>[1], AbortSignal]) => real.followFeed(broken.streamWithoutToken ? { ...t, token: undefined } : t, ...rest) };
});

// #12's class on the client: $SQUALL_TOKEN_FILE not read (the other ways still are).
vi.mock('../../system/cli/options.js', async (importOriginal) => {
  const real = await importOriginal<typeof Options>();
  const resolveToken = (flag: string | undefined, file: string | undefined): string | undefined => {
    const saved = process.env.SQUALL_TOKEN_FILE;
    if (broken.tokenEnvFileIgnored) delete process.env.SQUALL_TOKEN_FILE;
    try {
      return real.resolveToken(flag, file);
    } finally {
      if (saved !== undefined) process.env.SQUALL_TOKEN_FILE = saved;
    }
  };
  // #10's class on a client command: --poll-ms's range refused in the name of --limit (copy-paste).
  const intOption = (name: string, min?: number, max?: number) => real.intOption(broken.pollAsLimit && name === '--poll-ms' ? '--limit' : name, min, max);
  return { ...real, resolveToken, intOption };
});

afterEach(() => Object.assign(broken, { resetAsThreshold: false, workerTimeoutAsInterval: false, inertBlindToEnv: false, maxLengthFromMin: false, streamWithoutToken: false, tokenEnvFileIgnored: false, pollAsLimit: false }));

async function caught(variant: keyof typeof broken, file: string): Promise<string> {
  const scenario = await loadScenario(file);
  broken[variant] = true;
  const v = await simVerdict(scenario);
  expect(v.passed).toBe(false);
  expect(v.promises).toEqual(['cli']);
  return v.text;
}

describe('blind set 21: the CLI tells refusals in the flag given, takes a setting every way, documents its schemas', () => {
  it('the real system passes adversarial-clients and cli-human at seed 1', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await loadScenario('scenarios/adversarial-clients.yaml'))).text).toBe('');
    expect((await simVerdict(await loadScenario('scenarios/cli-human.yaml'))).text).toBe('');
  });

  it('#10 the breaker reset refused as --breaker-threshold (cli)', { timeout: 60_000 }, async () => {
    expect(await caught('resetAsThreshold', 'scenarios/adversarial-clients.yaml')).toMatch(/squall coordinator --breaker-reset-ms 0 \(its value check lifted.*\) was refused "--breaker-threshold must be an integer > 0, got 0": it names --breaker-threshold instead of --breaker-reset-ms/);
  });

  it("#10's class on the worker: its heartbeat timeout refused as --heartbeat-ms (cli)", { timeout: 60_000 }, async () => {
    expect(await caught('workerTimeoutAsInterval', 'scenarios/adversarial-clients.yaml')).toMatch(/squall worker --heartbeat-timeout-ms 0 \(its value check lifted.*\) was refused "--heartbeat-ms must be .*": it names --heartbeat-ms instead of --heartbeat-timeout-ms/);
  });

  it("#10's class on a client command: --poll-ms refused as --limit (cli)", { timeout: 60_000 }, async () => {
    expect(await caught('pollAsLimit', 'scenarios/adversarial-clients.yaml')).toMatch(/squall executions watch ex_0000000000000000 --poll-ms 99 was refused "option '--poll-ms <ms>' argument '99' is invalid\. --limit must be .*": it also names --limit/);
  });

  it('#12 --no-sign-messages refused when the secret comes from the environment (cli)', { timeout: 60_000 }, async () => {
    expect(await caught('inertBlindToEnv', 'scenarios/adversarial-clients.yaml')).toMatch(/squall coordinator --no-sign-messages with the worker secret given as --secret-file: started \(worker secret, CRC only\); given as \$SQUALL_SECRET_FILE: refused: --no-sign-messages has no effect without a worker secret/);
  });

  it("#12's class on a client: $SQUALL_TOKEN_FILE not read (cli)", { timeout: 60_000 }, async () => {
    expect(await caught('tokenEnvFileIgnored', 'scenarios/adversarial-clients.yaml')).toMatch(/squall workers with the API token given as --token-file \(echo: a newline\): exit 0, sent Authorization: Bearer TOKEN; given as \$SQUALL_TOKEN_FILE: exit 0, sent Authorization: none/);
  });

  it('#08 the event stream opened without the token the API takes: every watch silently polls (cli)', { timeout: 60_000 }, async () => {
    expect(await caught('streamWithoutToken', 'scenarios/cli-human.yaml')).toMatch(/squall executions watch \S+ --poll-ms \d+ \(t=\d+\): the event stream \(GET \/ui\/events at t=\d+\) was refused 401, and the same token was accepted for GET \/api\/v1\/executions\/\S+ at t=\d+ \(200\)/);
  });

  it('#11 kinds --markdown printing a max length from minLength (cli)', { timeout: 60_000 }, async () => {
    expect(await caught('maxLengthFromMin', 'scenarios/cli-human.yaml')).toMatch(/squall kinds --markdown \(t=\d+\): spec `kind` shows the limits "length >= 1, length <= 1" .*; its schema's bounds are \{"maxLength":100,"minLength":1\}/);
  });
});
