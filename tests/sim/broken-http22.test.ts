/**
 * Blind set 22's HTTP-body and submit-fidelity misses (#06, #07), each
 * injected through a seam and caught by the simulation at seed 1 of the
 * scenario that exercises its class, while the real system passes there:
 * - #07: compact() taking a policy equal to the default but for delayMs for
 *   the default (vi.mock of shared-values.ts) -> promise 5 (the engine stored
 *   another policy than asked; the retries judged by the client's own policy)
 *   and 29 (the listing reads the default delay where 300 was submitted)
 *   (submit-fidelity: a policy one field off the default, each field in turn).
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type * as Shared from '../../system/engine/shared-values.js';
import type { ExecutionRecord, RetryPolicy } from '../../system/core/model.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ delayBlind: false }));

// Broken (set 22 #07): a policy equal to the default in strategy, maxRetries and maxDelayMs is taken for it, whatever its delayMs.
vi.mock('../../system/engine/shared-values.js', async (importOriginal) => {
  const real = await importOriginal<typeof Shared>();
  class DelayBlindValues extends real.SharedValues {
    private readonly dflt: RetryPolicy;
    constructor(defaultRetry: RetryPolicy, kindNames: Iterable<string>) {
      super(defaultRetry, kindNames);
      this.dflt = { ...defaultRetry };
    }
    override compact(rec: ExecutionRecord): void {
      const r = rec.retry;
      if (plant.delayBlind && r.strategy === this.dflt.strategy && r.maxRetries === this.dflt.maxRetries && r.maxDelayMs === this.dflt.maxDelayMs) rec.retry = { ...this.dflt };
      super.compact(rec);
    }
  }
  return { ...real, SharedValues: DelayBlindValues };
});

const scenario = (name: string) => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', `${name}.yaml`));

describe('blind set 22: submissions read back and retried as submitted', () => {
  it('#07 a policy one delayMs off the default taken for the default is reported (submit-fidelity: 5, 29); the real engine passes', { timeout: 60_000 }, async () => {
    const s = await scenario('submit-fidelity');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await withPlanted(flagOn(plant, 'delayBlind'), () => simVerdict(s));
    expect(broken.promises).toEqual(['retries', 'api-contract']);
    expect(broken.text).toMatch(/the engine stored retry \{[^}]*"delayMs":1000[^}]*\} for a submission that asked \{[^}]*"delayMs":300/);
    expect(broken.text).toMatch(/retried \d+ ms after failure 1; strategy exponential \(delay 300, cap 60000\) asks for 300 ms.*the retry came too late/);
    expect(broken.text).toMatch(/lists \S+, reading retry\.delayMs 1000 \(submitted 300\)/);
  });
});
