/**
 * Blind set 22's configuration misses, each planted through a `vi.mock`
 * of the module the commands run and caught by the simulation under
 * promise 31 (the deployment probes at the documented bounds,
 * harness/scenario/deploy-probe-bounds.ts), while the real system passes
 * adversarial-clients at seed 1:
 * - #02 the coordinator's resolver accepting a heartbeat timeout EQUAL to
 *   the interval (`<` for `<=`);
 * - #12 the worker's resolver accepting ids of 201-256 characters though
 *   the protocol's register allows 200;
 * - #12's class on a relation: the worker's backoff cap refused AT the
 *   first delay (`<=` for `<`: the boundary value refused);
 * - #30 an empty $SQUALL_URL taken as the URL (the client commands'
 *   `--url` default read as `$SQUALL_URL ?? default`), and its class: the
 *   variables the daemons read with an empty value taken as a value
 *   (system/cli/env.ts as before blind set 22: $SQUALL_LOG_LEVEL "" refuses
 *   the start), caught by the blank-variable probes
 *   (harness/scenario/deploy-probe-blank-env.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as ClientOptions from '../../system/cli/client-options.js';
import type * as Env from '../../system/cli/env.js';
import type * as CoordinatorConfig from '../../system/coordinator/config.js';
import type * as WorkerConfigModule from '../../system/worker/config.js';
import { InvalidArgumentError } from '../../system/core/errors.js';
import { simVerdict } from './broken/verdict.js';

const broken = vi.hoisted(() => ({ timeoutEqual: false, longIds: false, capAtInitial: false, emptyUrl: false, emptyIsValue: false }));

vi.mock('../../system/cli/client-options.js', async (importOriginal) => {
  const real = await importOriginal<typeof ClientOptions>();
  return {
    ...real,
    // Broken (#30): the --url default is $SQUALL_URL whenever it is set, empty too.
    addClientOptions: (...args: Parameters<typeof real.addClientOptions>) => {
      const cmd = real.addClientOptions(...args);
      const env = process.env.SQUALL_URL;
      if (broken.emptyUrl && env !== undefined) cmd.setOptionValueWithSource('url', env, 'default');
      return cmd;
    },
  };
});

vi.mock('../../system/cli/env.js', async (importOriginal) => {
  const real = await importOriginal<typeof Env>();
  // Broken: a variable set is a value, empty too (only a blank one is unset).
  return { ...real, envSetting: (env: NodeJS.ProcessEnv, name: string) => (broken.emptyIsValue && env[name] === '' ? '' : real.envSetting(env, name)) };
});

vi.mock('../../system/coordinator/config.js', async (importOriginal) => {
  const real = await importOriginal<typeof CoordinatorConfig>();
  return {
    ...real,
    // Broken (#02): a timeout equal to the interval passes (checked as one more).
    resolveCoordinatorConfig: (c: CoordinatorConfig.CoordinatorConfig = {}) => {
      const equal = broken.timeoutEqual && c.heartbeatTimeoutMs !== undefined && c.heartbeatTimeoutMs === (c.heartbeatMs ?? real.COORDINATOR_DEFAULTS.heartbeatMs);
      return equal ? { ...real.resolveCoordinatorConfig({ ...c, heartbeatTimeoutMs: (c.heartbeatTimeoutMs as number) + 1 }), heartbeatTimeoutMs: c.heartbeatTimeoutMs as number } : real.resolveCoordinatorConfig(c);
    },
  };
});

vi.mock('../../system/worker/config.js', async (importOriginal) => {
  const real = await importOriginal<typeof WorkerConfigModule>();
  return {
    ...real,
    workerConfigWithDefaults: (o: WorkerConfigModule.WorkerConfig) => {
      // Broken (#12): ids up to 256 characters pass (checked cut to 200).
      if (broken.longIds && o.id.length > 200 && o.id.length <= 256) return { ...real.workerConfigWithDefaults({ ...o, id: o.id.slice(0, 200) }), id: o.id };
      // Broken: the backoff cap refused when equal to the first delay (at the probes' 500 ms: the fleet's own configs untouched).
      if (broken.capAtInitial && o.backoff?.maxMs === 500 && o.backoff.initialMs === 500) throw new InvalidArgumentError(`backoff.maxMs must be > backoff.initialMs (${o.backoff.initialMs}); got ${o.backoff.maxMs}`, 'backoff.maxMs');
      return real.workerConfigWithDefaults(o);
    },
  };
});

afterEach(() => Object.assign(broken, { timeoutEqual: false, longIds: false, capAtInitial: false, emptyUrl: false, emptyIsValue: false }));

async function caught(variant: keyof typeof broken): Promise<string> {
  const scenario = await loadScenario('scenarios/adversarial-clients.yaml');
  broken[variant] = true;
  const v = await simVerdict(scenario);
  expect(v.passed).toBe(false);
  expect(v.promises).toEqual(['cli']);
  return v.text;
}

describe('blind set 22: configuration bounds and relations probed at the boundary', () => {
  it('the real system passes adversarial-clients at seed 1', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await loadScenario('scenarios/adversarial-clients.yaml'))).text).toBe('');
  });

  it('#02 a heartbeat timeout equal to the interval accepted (cli)', { timeout: 60_000 }, async () => {
    expect(await caught('timeoutEqual')).toMatch(/squall coordinator --heartbeat-ms 2000 --heartbeat-timeout-ms 2000 was accepted: it is one step past the documented relation of --heartbeat-timeout-ms with --heartbeat-ms/);
  });

  it('#12 worker ids past the register\'s 200 characters accepted by the worker (cli)', { timeout: 60_000 }, async () => {
    expect(await caught('longIds')).toMatch(/squall worker --id <201 characters> \(its value check lifted.*\) was accepted: it is one step past the bound the protocol's register\.workerId sets \(a length of 1 to 200\)/);
  });

  it('the backoff cap refused at its boundary, equal to the first delay (cli)', { timeout: 60_000 }, async () => {
    expect(await caught('capAtInitial')).toMatch(/squall worker --backoff-initial-ms 500 --backoff-max-ms 500 was refused ".*": it is within the documented relation of --backoff-max-ms with --backoff-initial-ms .*, so it starts/);
  });

  it('#30 an empty $SQUALL_URL taken as the URL (cli)', { timeout: 60_000 }, async () => {
    expect(await caught('emptyUrl')).toMatch(/squall workers with \$SQUALL_URL \(empty or blank: as unset\) given as unset: exit 0, GET http:\/\/127\.0\.0\.1:7070\/api\/v1\/workers .*; given as set empty \(""\): refused: --url must be an http:\/\/ or https:\/\/ URL \(got ""\)/);
  });

  it("#30's class on the daemons: an empty variable taken as a value ($SQUALL_LOG_LEVEL refused) (cli)", { timeout: 60_000 }, async () => {
    expect(await caught('emptyIsValue')).toMatch(/squall coordinator with \$SQUALL_LOG_LEVEL \(empty or blank: as unset\) given as unset: logs at info; given as set empty \(""\): refused: \$SQUALL_LOG_LEVEL must be one of/);
  });
});
