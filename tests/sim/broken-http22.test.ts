/**
 * Blind set 22's HTTP-body and submit-fidelity misses (#06, #07), each
 * injected through a seam and caught by the simulation at seed 1 of the
 * scenario that exercises its class, while the real system passes there:
 * - #06: the control body's reason unbounded (vi.mock of http-schemas.ts'
 *   parseWith, the control schema swapped) -> promise 29: a pause, resume
 *   and cancel with a reason one past the documented bound (docs/TASK-KINDS.md's
 *   "Control body", generated from the schemas) are refused 400 naming the
 *   field with no effect (adversarial-clients: the spec-bounds sweep's body
 *   probes, adversary-body-bounds.ts); and a control that acts before it
 *   refuses its body (wrapHttp) is reported by the same probes' reads of the
 *   execution before and after (a refused request has no effect);
 * - #07: compact() taking a policy equal to the default but for delayMs for
 *   the default (vi.mock of shared-values.ts) -> promise 5 (the engine stored
 *   another policy than asked; the retries judged by the client's own policy)
 *   and 29 (the listing reads the default delay where 300 was submitted)
 *   (submit-fidelity: a policy one field off the default, each field in turn).
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type * as Schemas from '../../system/coordinator/http-schemas.js';
import type * as Shared from '../../system/engine/shared-values.js';
import type { ExecutionRecord, RetryPolicy } from '../../system/core/model.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { controlActsThenRefuses } from './broken/http22-variants.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ delayBlind: false, unboundedReason: false }));

// Broken (set 22 #06): the control body's reason without its 1000-character bound.
vi.mock('../../system/coordinator/http-schemas.js', async (importOriginal) => {
  const real = await importOriginal<typeof Schemas>();
  const unbounded = z.strictObject({ reason: z.string().optional() });
  const parseWith: typeof real.parseWith = (schema, value, prefix) =>
    plant.unboundedReason && (schema as unknown) === real.controlBodySchema ? (real.parseWith(unbounded, value, prefix) as never) : real.parseWith(schema, value, prefix);
  return { ...real, parseWith };
});

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

describe('blind set 22: request bodies held to their documented bounds', () => {
  it('#06 a control reason past its bound accepted is reported (adversarial-clients: body bounds, 29); the real API passes', { timeout: 120_000 }, async () => {
    const s = await scenario('adversarial-clients');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await withPlanted(flagOn(plant, 'unboundedReason'), () => simVerdict(s));
    expect(broken.promises).toContain('api-contract');
    for (const op of ['pause', 'resume', 'cancel']) {
      expect(broken.text).toMatch(new RegExp(`a ${op} \\(POST /api/v1/executions/\\{id\\}/${op}\\) with the control body's reason of length 1001 was answered 200[^:]*: documented length <= 1000 \\(docs/TASK-KINDS.md\\), so it must be refused 400 invalid_argument`));
    }
    const acted = await simVerdict(s, { wrapHttp: controlActsThenRefuses });
    expect(acted.promises).toContain('api-contract');
    expect(acted.text).toMatch(/a pause \(POST \/api\/v1\/executions\/\{id\}\/pause\) with the control body's reason of length 1001 was refused 400 but changed the state all the same \(the execution read \{.*"status":"scheduled".* before it and \{.*"status":"paused".* after\)/);
  });
});

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
