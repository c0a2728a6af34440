/**
 * Blind set 20's task-kind environment, secrets and randomness misses
 * (#12, #22, #23, #25, #30) as broken variants (./broken/tasks20-variants.ts):
 * the real system passes each scenario at seed 1, each variant fails naming
 * its promise.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as Redact from '../../system/worker/redact.js';
import type * as Sleep from '../../system/tasks/sleep.js';
import { childWithoutHome, missingImageAsOutage, stalePool } from './broken/tasks20-variants.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';

const planted = vi.hoisted(() => ({ checkpointUnredacted: false, sleepTakesZero: false }));

// #22: ctx.checkpoint() sends the state without redactSecrets (results and errors still redacted): the redaction skipped when attempt-context calls it.
vi.mock('../../system/worker/redact.js', async (importOriginal) => {
  const real = await importOriginal<typeof Redact>();
  const redactSecrets: typeof real.redactSecrets = (value, secrets) => (planted.checkpointUnredacted && new Error().stack?.includes('attempt-context') === true ? value : real.redactSecrets(value, secrets));
  return { ...real, redactSecrets };
});

// #25: the sleep kind's checkpointEveryMs takes 0 (documented >= 1): its params schema swapped while the switch is on.
vi.mock('../../system/tasks/sleep.js', async (importOriginal) => {
  const real = await importOriginal<typeof Sleep>();
  const { z } = await import('zod');
  const loose = real.SleepParams.extend({ checkpointEveryMs: z.number().int().min(0).max(7 * 24 * 3600 * 1000).optional() });
  const sleepKind = { ...real.sleepKind, get params() { return planted.sleepTakesZero ? loose : real.SleepParams; } };
  return { ...real, sleepKind };
});

describe('blind set 20: task kinds, secrets and randomness', () => {
  it('bulk-ids: the real system passes; a pool that stops refilling repeats ids and lease tokens (identifiers)', { timeout: 120_000 }, async () => {
    const scenario = await loadScenario('scenarios/bulk-ids.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await simVerdict(scenario, stalePool);
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('identifiers');
    expect(broken.text).toMatch(/has (executionId|leaseToken|sessionId|nonce) \S+, already minted for .*: an identifier is never minted twice/);
  });

  it('task-resources: the real system passes; a command kind whose clean environment lost HOME is seen at each spawn (resources)', { timeout: 120_000 }, async () => {
    const scenario = await loadScenario('scenarios/task-resources.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await simVerdict(scenario, childWithoutHome);
    expect(broken.passed).toBe(false);
    expect(broken.promises).toEqual(['resources']);
    expect(broken.text).toMatch(/child \d+ \(.*\) on w\d+ at t=\d+ \(execution ex_[0-9a-f]{16}\) lacks HOME of the worker's environment/);
  });

  it('task-resources: an image inspect answered 404 reported as an unreachable engine is held to the documented not_found (resources)', { timeout: 120_000 }, async () => {
    const scenario = await loadScenario('scenarios/task-resources.yaml');
    const broken = await simVerdict(scenario, missingImageAsOutage);
    expect(broken.passed).toBe(false);
    expect(broken.promises).toEqual(['resources']);
    expect(broken.text).toMatch(/execution ex_[0-9a-f]{16} failed with .*"code":"unavailable".*, but the Docker engine on w\d+ answered its inspect of squall\/absent:1 with 404 at t=\d+: documented is code not_found/);
  });

  it('secret-redaction: the real system passes; a checkpoint sent without redaction shows the secret in the state the coordinator holds (auth)', { timeout: 120_000 }, async () => {
    const scenario = await loadScenario('scenarios/secret-redaction.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await withPlanted(flagOn(planted, 'checkpointUnredacted'), () => simVerdict(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('auth');
    expect(broken.text).toMatch(/the workers' secret was shown at t=\d+ \(\S+ \w+\): .*failing on purpose/);
  });

  it('adversarial-clients: the real system passes; a sleep kind taking checkpointEveryMs 0 fails the spec-bounds sweep (api-contract)', { timeout: 120_000 }, async () => {
    const scenario = await loadScenario('scenarios/adversarial-clients.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await withPlanted(flagOn(planted, 'sleepTakesZero'), () => simVerdict(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('api-contract');
    expect(broken.text).toMatch(/a submission with the sleep kind's checkpointEveryMs 0 was answered 20\d: documented >= 1 \(docs\/TASK-KINDS.md\), so it must be refused 400 invalid_argument/);
  });
});
