/**
 * Blind set 17's operator-configuration misses (#02, #11, #13): what an
 * operator configures on the command lines is what the system does, over
 * its whole life. Each defect injected through a seam is caught by the
 * simulation, while the real system passes at the same seed:
 * - #02: age retention takes maxAgeMs as seconds (retentionCutoff wrapped:
 *   the age cutoff 1000 times further back) -> promise 30's liveness rule
 *   (promises-retention-owed.ts): retention-age-flag's final read still finds
 *   executions the policy let go;
 * - #11: `squall coordinator` builds a retention policy only when both
 *   --retain-count and --retain-age are given (coordinatorConfig wrapped: the
 *   policy dropped when either is missing) -> the same rule, in
 *   retention-age-flag and retention-count-flag, whose coordinators are
 *   configured by flags through the command's own coordinatorConfig;
 * - #13: a known worker's capabilities are taken only at its first
 *   registration (bindSession wrapped: a known entry keeps its concurrency
 *   and kinds) -> promise 26 (capacity and allowed kinds judged against the
 *   latest registration, worker-capabilities.ts), worker-reconfigured.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as CoordinatorCommand from '../../system/cli/coordinator.js';
import type * as BindSession from '../../system/coordinator/bind-session.js';
import type * as Retention from '../../system/engine/retention.js';
import { simVerdict } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ ageInSeconds: false, bothFlagsOnly: false, firstCapabilities: false }));

vi.mock('../../system/engine/retention.js', async (importOriginal) => {
  const real = await importOriginal<typeof Retention>();
  // Broken (set 17 #02): maxAgeMs taken as seconds.
  return {
    ...real,
    retentionCutoff: (times: number[], policy: Retention.RetentionConfig, now: number) =>
      real.retentionCutoff(times, plant.ageInSeconds && policy.maxAgeMs !== undefined ? { ...policy, maxAgeMs: policy.maxAgeMs * 1000 } : policy, now),
  };
});

vi.mock('../../system/cli/coordinator.js', async (importOriginal) => {
  const real = await importOriginal<typeof CoordinatorCommand>();
  return {
    ...real,
    coordinatorConfig: (...args: Parameters<typeof real.coordinatorConfig>) => {
      const out = real.coordinatorConfig(...args);
      const [flags] = args;
      // Broken (set 17 #11): a policy only when both limits are given.
      if (!plant.bothFlagsOnly || (flags.retainCount !== undefined && flags.retainAge !== undefined)) return out;
      const { retention: _dropped, ...engine } = out.engine ?? {};
      return { ...out, engine };
    },
  };
});

vi.mock('../../system/coordinator/bind-session.js', async (importOriginal) => {
  const real = await importOriginal<typeof BindSession>();
  return {
    ...real,
    bindSession: (...args: Parameters<typeof real.bindSession>) => {
      const [ctx, , workerId] = args;
      const known = ctx.registry.get(workerId);
      const first = known === undefined ? undefined : { concurrency: known.concurrency, kinds: known.kinds };
      const out = real.bindSession(...args);
      // Broken (set 17 #13): a known worker keeps the capabilities of its first registration.
      if (plant.firstCapabilities && first !== undefined) Object.assign(out.entry, first);
      return out;
    },
  };
});

afterEach(() => Object.assign(plant, { ageInSeconds: false, bothFlagsOnly: false, firstCapabilities: false }));

async function verdict(file: string, broken?: keyof typeof plant): Promise<Awaited<ReturnType<typeof simVerdict>>> {
  const scenario = await loadScenario(`scenarios/${file}.yaml`);
  if (broken !== undefined) plant[broken] = true;
  return simVerdict(scenario);
}

describe('blind set 17: retention as the operator configured it', () => {
  it.each(['retention-age-flag', 'retention-count-flag'])('the real system passes %s at seed 1', async (file) => {
    expect((await verdict(file)).text).toBe('');
  });

  it('#02 age retention in seconds: executions older than --retain-age are still read long after the next sweep', async () => {
    const v = await verdict('retention-age-flag', 'ageInSeconds');
    expect(v.promises).toEqual(['retention']);
    expect(v.text).toMatch(/older than maxAgeMs 1000 from t=\d+, was still known \(completed\) at the read at t=\d+, past t=\d+: the policy \(retention \{"maxAgeMs":1000,"sweepMs":250\}\) lets it go/);
  });

  it('#11 --retain-age alone ignored by squall coordinator: nothing is ever pruned', async () => {
    const v = await verdict('retention-age-flag', 'bothFlagsOnly');
    expect(v.promises).toEqual(['retention']);
    expect(v.text).toMatch(/older than maxAgeMs 1000 .* was still known/);
  });

  it('#11 --retain-count alone ignored by squall coordinator: nothing is ever pruned', async () => {
    const v = await verdict('retention-count-flag', 'bothFlagsOnly');
    expect(v.promises).toEqual(['retention']);
    expect(v.text).toMatch(/beyond the newest maxCount 8 from t=\d+, was still known/);
  });
});

describe('blind set 17: a worker restarted with another command line', () => {
  it('the real system passes worker-reconfigured at seed 1', async () => {
    expect((await verdict('worker-reconfigured')).text).toBe('');
  });

  it('#13 capabilities kept from the first registration: more leases than the new --concurrency, command work for a worker that no longer allows it', async () => {
    const v = await verdict('worker-reconfigured', 'firstCapabilities');
    expect(v.promises).toContain('capacity');
    expect(v.text).toMatch(/claimed for w1 at t=\d+ while it already held \d+ live lease\(s\), its whole concurrency 1/);
    expect(v.text).toMatch(/\(kind command\) was claimed for w[12], which was started allowing \[\]/);
    expect(v.text).toMatch(/GET \/api\/v1\/workers at t=\d+ lists w1 with concurrency 3 and dangerous kinds \["command"\], but its latest registration came from a process started with concurrency 1 allowing \[\]/);
  });
});
