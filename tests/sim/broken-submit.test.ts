/**
 * Future-dated and batched work (issue 10): the dated items of
 * scenarios/engine-features.yaml (workload startAfterMs) catch a delay queue
 * that releases dated work early (promise 27 due-time) and a dated execution
 * whose retry is due at its past scheduledAt (promise 5 retries); its batch
 * item (batch: true, keys repeating inside the batch) catches repeats inside
 * one batch that are not deduplicated (promise 22 idempotency).
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type { Scenario } from '../../harness/scenario/schema.js';
import type { Engine } from '../../system/engine/engine.js';
import { BatchKeysConflictEngine, BatchRepeatsKeysEngine, DatedRetryAtOnceEngine, DefaultCapBelowDelayEngine, EarlyDatedEngine, PriorityBlindKeysEngine } from './broken/submit-variants.js';
import { engineFactoryOf } from './broken/variants.js';
import { simVerdict } from './broken/verdict.js';

/** engine-features with only its dated and batched items (quick, and nothing else to blame). */
async function dated(): Promise<Scenario> {
  const s = await loadScenario('scenarios/engine-features.yaml');
  return { ...s, triggers: [], workload: { ...s.workload, items: s.workload.items.filter((i) => i.startAfterMs !== undefined || i.batch) } };
}

const CASES: [string, typeof Engine, string, RegExp][] = [
  ['the delay queue releases dated work early', EarlyDatedEngine, 'due-time', /ms before its scheduledAt: future-dated work waits until it is due/],
  ['a dated execution retries at its past scheduledAt', DatedRetryAtOnceEngine, 'retries', /retried \d+ ms after failure 1; strategy fixed \(delay 600/],
  ['keys repeated inside one batch are not deduplicated', BatchRepeatsKeysEngine, 'idempotency', /the same key must give one execution/],
  ['a key repeated inside one batch trips the unique index: the batch is refused', BatchKeysConflictEngine, 'idempotency', /a batch whose idempotency keys repeat inside it .* was refused as a conflict/],
];

describe('future-dated and batched work', () => {
  it('has dated and batched items, and they pass on the real system', async () => {
    const s = await dated();
    expect(s.workload.items.length).toBeGreaterThan(2);
    const v = await simVerdict(s);
    expect(v.text).toBe('');
  });

  it.each(CASES)('%s: caught', async (_name, cls, promise, says) => {
    const v = await simVerdict(await dated(), { engineFactory: engineFactoryOf(cls) });
    expect(v.promises).toContain(promise);
    expect(v.text).toMatch(says);
  });

  it('the whole engine-features scenario catches them too', async () => {
    const s = await loadScenario('scenarios/engine-features.yaml');
    for (const [, cls, promise] of CASES) expect((await simVerdict(s, { engineFactory: engineFactoryOf(cls) })).promises).toContain(promise);
  });
});

describe('what the engine stores against what the client asked (engine-features)', () => {
  it.each([
    ['a key reused with another priority is accepted as the same request', PriorityBlindKeysEngine, ['idempotency'], /was reused for another task \(task.priority "medium" → "high"\) and accepted at t=\d+ as the same execution: a reuse with another spec must be refused 409 conflict/],
    // api-contract too: a submission without maxDelayMs reads back another default than the documented one (promises-api-defaults.ts).
    ['an unset maxDelayMs caps a long delay at the default', DefaultCapBelowDelayEngine, ['retries', 'api-contract'], /the engine stored retry .* for a submission that asked .*: maxDelayMs is not what was asked/],
  ] as const)('%s: caught', async (_name, cls, promises, says) => {
    const v = await simVerdict(await loadScenario('scenarios/engine-features.yaml'), { engineFactory: engineFactoryOf(cls) });
    expect(v.promises).toEqual(promises);
    expect(v.text).toMatch(says);
  });
});
