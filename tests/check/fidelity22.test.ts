/**
 * Blind set 22's submit-fidelity class on synthetic histories: a field the
 * client gave reads back exactly as given (promises-api-defaults.ts), and a
 * retry is judged by the policy the client asked for, not the one the engine
 * says it stored (client-policy.ts, promise 5). The simulation shows them
 * caught against a broken engine (tests/sim/broken-fidelity22.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { askedPolicy } from '../../harness/check/client-policy.js';
import { checkHistory } from '../../harness/check/invariants.js';
import type { ApiReads, ListedExecution, ListedSpec } from '../../harness/check/promises-reads.js';
import type { RetryPolicy } from '../../system/core/index.js';
import { H, baseContext } from './builder.js';

const DEFAULT_RETRY = { strategy: 'exponential', maxRetries: 3, delayMs: 1000, maxDelayMs: 60_000 } as const;
const ALL = ['priority', 'timeoutMs', 'taskId', 'metadata', 'idempotencyKey', 'retry.strategy', 'retry.maxRetries', 'retry.delayMs', 'retry.maxDelayMs'];

describe('29 api-contract: a field given reads back as given (promises-api-defaults.ts)', () => {
  function run(spec: ListedSpec, intent: Record<string, unknown>): string[] {
    const h = new H().at(1);
    const inv = h.rec.recordInvoke({ ref: 'i1#1', kind: 'fail', intent: [{ priority: 'medium', ...intent }] as never });
    h.rec.recordOk(inv, { executionIds: ['e1'] });
    const item: ListedExecution = ['e1', 'scheduled', 0, 'fail', [['scheduled', null]], null, null, null, spec];
    h.at(500).rec.recordInfo({ apiReads: { limit: 7, all: { items: [item], unended: false }, filtered: { error: 503 }, stats: { error: 503 } } satisfies ApiReads });
    return checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);
  }
  const listed: ListedSpec = { priority: 'medium', taskId: 'e1', retry: DEFAULT_RETRY, timeoutMs: null, metadata: {}, idempotencyKey: null };
  const whole = { ...DEFAULT_RETRY, delayMs: 300 };

  it('passes a policy one field off the default read back as given, whole or alone, and a given timeout and priority', () => {
    expect(run({ ...listed, retry: whole }, { omitted: ALL.filter((f) => !f.startsWith('retry.')), retry: whole })).toEqual([]);
    expect(run({ ...listed, retry: whole }, { omitted: ALL.filter((f) => f !== 'retry.delayMs'), retry: { delayMs: 300 } })).toEqual([]);
    expect(run({ ...listed, timeoutMs: 5000, priority: 'high' }, { omitted: ALL.filter((f) => f !== 'timeoutMs' && f !== 'priority'), timeoutMs: 5000, priority: 'high' })).toEqual([]);
  });

  it('reports a given delayMs read back as the default (blind set 22 #07), and a given timeout or priority read back otherwise', () => {
    expect(run(listed, { omitted: ALL.filter((f) => !f.startsWith('retry.')), retry: whole })).toEqual([expect.stringMatching(/lists e1, reading retry\.delayMs 1000 \(submitted 300\)/)]);
    expect(run(listed, { omitted: ALL.filter((f) => f !== 'retry.delayMs'), retry: { delayMs: 300 } })).toEqual([expect.stringMatching(/retry\.delayMs 1000 \(submitted 300\)/)]);
    expect(run({ ...listed, timeoutMs: 6000 }, { omitted: ALL.filter((f) => f !== 'timeoutMs'), timeoutMs: 5000 })).toEqual([expect.stringMatching(/timeoutMs 6000 \(submitted 5000\)/)]);
    expect(run(listed, { omitted: ALL.filter((f) => f !== 'priority'), priority: 'high' })).toEqual([expect.stringMatching(/priority "medium" \(submitted "high"\)/)]);
  });
});

describe('5 retries: judged by the policy the client asked for (client-policy.ts)', () => {
  /** One execution the client asked `given` of, the engine's event saying `stored`, failing at 100 and claimed again at `again`. */
  function run(given: Record<string, unknown> | undefined, stored: RetryPolicy, again: number): string[] {
    const h = new H().connect('w1');
    const inv = h.rec.recordInvoke({ ref: 'i1#1', kind: 'fail', intent: [{ priority: 'medium', omitted: [], ...(given === undefined ? {} : { retry: given }) }] as never });
    h.emit('coordinator', { type: 'submitted', executionId: 'x', kind: 'fail', dependencies: [], maxAttempts: 1 + stored.maxRetries, priority: 'medium', retry: stored });
    h.status('x', null, 'scheduled', 0);
    h.rec.recordOk(inv, { executionIds: ['x'] });
    h.claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1').at(100).finish('x', 'w1', 1, 't1', 'failed', 'retrying');
    h.at(again).claim('x', 'w1', 2, 't2', undefined, 'retrying');
    return checkHistory(h.history(), ['retries'], baseContext)
      .map((v) => v.message)
      .filter((m) => !m.startsWith('the engine stored retry'));
  }

  it('fills the documented defaults around what the client gave', () => {
    expect(askedPolicy(undefined)).toEqual(DEFAULT_RETRY);
    expect(askedPolicy({ delayMs: 90_000 })).toEqual({ ...DEFAULT_RETRY, delayMs: 90_000, maxDelayMs: 90_000 });
    expect(askedPolicy({ strategy: 'none' })).toEqual({ ...DEFAULT_RETRY, strategy: 'none', maxRetries: 0 });
  });

  it('reports a retry on the default delay when the client asked 1000 but the engine says it stored 300 (early by the client\'s policy)', () => {
    expect(run({ ...DEFAULT_RETRY }, { ...DEFAULT_RETRY, delayMs: 300 }, 400)).toEqual([expect.stringMatching(/retried 300 ms after failure 1; strategy exponential \(delay 1000, cap 60000\) asks for 1000 ms/)]);
    expect(run({ ...DEFAULT_RETRY }, { ...DEFAULT_RETRY, delayMs: 300 }, 1100)).toEqual([]);
  });

  it('counts the attempts the client allowed: maxRetries 0 asked, 3 stored, a second attempt is one too many', () => {
    expect(run({ maxRetries: 0 }, DEFAULT_RETRY, 1100)).toEqual([expect.stringMatching(/claimed again \(attempt 2\) after 1 failed attempts; at most 1/)]);
  });
});
