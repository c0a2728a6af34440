/**
 * Blind set 15's HTTP and /metrics contract misses (#13, #14, #26; promise
 * 29, api-contract), each broken variant injected through a seam and
 * reported at seed 1 of the scenario that exercises it, where the real
 * system passes:
 *
 * - coordinator-crash-restart's graceful restart sends state-changing
 *   requests after the coordinator was told to stop (shutdown-probe.ts):
 *   illegal_state answered 400 instead of 503 with Retry-After (a policy,
 *   SimWiring.coordinatorPolicies);
 * - adversarial-clients' HTTP adversary sends headers at and just over 16 KiB
 *   in big values (adversary-limits.ts), through the real server's request
 *   limits (http-plumbing.ts): a check that counts only header names
 *   (vi.mock of system/transport/http-limits.js, off for the real run);
 * - breaker reads the /metrics gauges next to the stats while its breakers
 *   open, turn half-open and close: open and half-open swapped in
 *   squall_breaker_state (SimWiring.wrapHttp).
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as Limits from '../../system/transport/http-limits.js';
import { statusOf } from './broken/api-variants.js';
import { breakerStatesSwapped, namesOnly } from './broken/http15-variants.js';
import { simVerdict } from './broken/verdict.js';

const limits = vi.hoisted(() => ({ namesOnly: false }));
vi.mock('../../system/transport/http-limits.js', async (importOriginal) => {
  const real = await importOriginal<typeof Limits>();
  return { ...real, checkRequestLimits: (req: Parameters<typeof real.checkRequestLimits>[0]) => real.checkRequestLimits(limits.namesOnly ? namesOnly(req) : req) };
});

const scenario = (name: string) => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', `${name}.yaml`));

describe('api-contract: every documented HTTP answer and metric encoding, exercised (set 15)', () => {
  it('illegal_state answered 400 during a graceful stop is reported (coordinator-crash-restart); the real system answers 503 with Retry-After', { timeout: 60_000 }, async () => {
    const s = await scenario('coordinator-crash-restart');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await simVerdict(s, { coordinatorPolicies: statusOf('illegal_state', 400) });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/POST \/api\/v1\/executions\S*, sent after the coordinator was told to stop \(t=\d+\), was answered 400 illegal_state/);
  });

  it('a header limit that counts only names is reported (adversarial-clients: limit probes); the real limits pass', { timeout: 60_000 }, async () => {
    const s = await scenario('adversarial-clients');
    expect((await simVerdict(s)).text).toBe('');
    limits.namesOnly = true;
    try {
      const broken = await simVerdict(s);
      expect(broken.promises).toEqual(['api-contract']);
      expect(broken.text).toMatch(/a request whose header names and values are 16385 bytes was answered 200 at t=\d+: the README allows at most 16384: it must be refused 431 headers_too_large/);
    } finally {
      limits.namesOnly = false;
    }
  });

  it('open and half-open swapped in squall_breaker_state are reported (breaker: gauges); the real metrics pass', { timeout: 60_000 }, async () => {
    const s = await scenario('breaker');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await simVerdict(s, { wrapHttp: breakerStatesSwapped });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/squall_breaker_state\{kind="\w+"\} is 1 \(half-open by its help text\), but GET \/api\/v1\/stats shows the \w+ breaker open at the same instant/);
    expect(broken.text).toMatch(/is 2 \(open by its help text\), but the coordinator's decisions so far leave the \w+ breaker half-open/);
  });
});
