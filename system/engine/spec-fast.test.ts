/**
 * The spec fast path (spec-fast.ts) against the slow path (checkJsonLimits,
 * structuredClone, zod: spec.ts parseSpec), the schema's single source: on
 * random valid specs and on mutated ones (a field dropped or replaced by a
 * value near a boundary or of the wrong type, an extra key), the fast path
 * may only accept what the slow path accepts, must return exactly its value
 * when it does, and must not decline well-formed specs of the usual shape.
 * Specs go through JSON text and JSON.parse (as HTTP bodies do) or are used
 * as built (the embedding API). Fixed seed, so a failure reproduces.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastSpec } from './spec-fast.js';
import { normalizeSpec, parseSpec } from './spec.js';
import { engineConfigWithDefaults } from './config.js';
import { testTaskKinds } from './testing.js';

const ctx = { taskKinds: testTaskKinds(), defaultRetry: engineConfigWithDefaults({ taskKinds: testTaskKinds() }).defaultRetry };
const text = (max: number) => fc.string({ minLength: 1, maxLength: max });
const retry = fc.record(
  {
    strategy: fc.constantFrom('none', 'immediate', 'fixed', 'exponential', 'fibonacci'),
    maxRetries: fc.integer({ min: 0, max: 1000 }),
    delayMs: fc.integer({ min: 0, max: 2_592_000_000 }),
    maxDelayMs: fc.integer({ min: 0, max: 2_592_000_000 }),
  },
  { requiredKeys: [] },
);
const spec = fc.record(
  {
    kind: fc.constantFrom('echo', 'fail', 'sleep'),
    params: fc.oneof(fc.record({ value: fc.jsonValue({ maxDepth: 3 }) }), fc.jsonValue({ maxDepth: 2 })),
    taskId: text(256),
    priority: fc.constantFrom('low', 'medium', 'high', 'critical'),
    retry,
    timeoutMs: fc.integer({ min: 1, max: 2_592_000_000 }),
    dependencies: fc.array(text(20), { maxLength: 3 }),
    scheduledAt: fc.integer({ min: 0, max: 8.64e15 }),
    metadata: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
    idempotencyKey: text(256),
  },
  { requiredKeys: ['kind'] },
);

// Values near every boundary the schema draws (ints and their ranges, string lengths, enums, wrong types).
const odd = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, 1000, 1001, 2 ** 53 - 1, 2 ** 53, 2_592_000_000, 2_592_000_001, 8.64e15, 8.64e15 + 1, Infinity, NaN, null, true, undefined),
  fc.constantFrom('', 'x', 'low', 'urgent', 'none', 'linear', 'echo', [], {}, ['a', ''], [1], { a: 1 }, { strategy: 'fixed', extra: 1 }),
  fc.integer(),
  fc.double(),
  fc.string({ minLength: 99, maxLength: 102 }),
  fc.string({ minLength: 255, maxLength: 258 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const FIELDS = ['kind', 'params', 'taskId', 'priority', 'retry', 'timeoutMs', 'dependencies', 'scheduledAt', 'metadata', 'idempotencyKey', 'extra', 'dependsOn'];
const long = (n: number): string => 'x'.repeat(n);
// Per field, values just inside and just outside its rules, so each rule is hit often, not by luck.
const NEAR: Record<string, fc.Arbitrary<unknown>> = {
  kind: fc.constantFrom('', long(100), long(101), 'Echo', 1),
  taskId: fc.constantFrom('', long(256), long(257), 7),
  idempotencyKey: fc.constantFrom('', long(256), long(257), false),
  priority: fc.constantFrom('urgent', 'Low', 'medium ', '', 2),
  retry: fc.oneof(
    fc.record({ strategy: fc.constantFrom('linear', 'None', '', 'fixed') }),
    fc.record({ maxRetries: fc.constantFrom(-1, 1000, 1001, 0.5, '3') }),
    fc.record({ delayMs: fc.constantFrom(-1, 2_592_000_000, 2_592_000_001, NaN) }),
    fc.record({ maxDelayMs: fc.constantFrom(-1, 2_592_000_000, 2_592_000_001, Infinity) }),
    fc.constantFrom({ backoff: 1 }, [], null, 'fixed'),
  ),
  timeoutMs: fc.constantFrom(0, 1, 2_592_000_000, 2_592_000_001, 1.5, '10'),
  dependencies: fc.constantFrom([''], [long(256)], [long(257)], [1], 'a', {}, Array.from({ length: 10_001 }, () => 'd')),
  scheduledAt: fc.constantFrom(-1, 0, 8.64e15, 8.64e15 + 1, 2 ** 53, 0.5),
  metadata: fc.constantFrom([], [1], 'm', null, 1, { a: undefined }),
};
const change = fc.oneof(
  fc.tuple(fc.constantFrom(...FIELDS), fc.option(odd, { nil: '-drop-' as const })),
  ...Object.entries(NEAR).map(([k, g]) => fc.tuple(fc.constant(k), g)),
);
const mutation = fc.array(change, { maxLength: 3 });

function mutate(s: Record<string, unknown>, changes: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...s };
  for (const [k, v] of changes) {
    if (v === '-drop-') delete out[k];
    else out[k] = v;
  }
  return out;
}

/** The slow path's value, or undefined if it refuses the input. */
function slow(input: unknown): unknown {
  try {
    return parseSpec(input);
  } catch {
    return undefined;
  }
}

/** The fast path agrees with the slow path on `input`; whether it took it. */
function agrees(input: unknown): boolean {
  const fast = fastSpec(input);
  if (fast === undefined) return false;
  const expected = slow(input);
  expect(expected, `fast path accepted what the slow path refuses: ${JSON.stringify(input)}`).toBeDefined();
  expect(fast).toStrictEqual(expected);
  return true;
}

describe('spec fast path', () => {
  it('takes every well-formed spec, with the value the slow path gives (built and through JSON)', () => {
    fc.assert(
      fc.property(spec, (s) => {
        expect(agrees(s)).toBe(true);
        expect(agrees(JSON.parse(JSON.stringify(s)))).toBe(true);
      }),
      { seed: 12, numRuns: 400 },
    );
  });

  it('accepts only what the slow path accepts, and then gives its value, on mutated specs', () => {
    let taken = 0;
    fc.assert(
      fc.property(spec, mutation, (s, changes) => {
        if (agrees(mutate(s, changes))) taken++;
      }),
      { seed: 13, numRuns: 3000 },
    );
    // Not vacuous: mutations that keep the spec valid (a dropped optional field) are still taken.
    expect(taken).toBeGreaterThan(100);
  });

  it('leaves to the slow path what structuredClone treats apart: aliasing, Proxies, class instances, sparse arrays, __proto__ members, depth', () => {
    const shared = { a: 1 };
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 40; i++) at = (at.x = {}) as Record<string, unknown>;
    const extraMember = Object.assign(['a'], { extra: 1 });
    const inputs: unknown[] = [
      { kind: 'echo', params: { a: shared, b: shared } },
      new Proxy({ kind: 'echo' }, {}),
      { kind: 'echo', params: new Proxy({ value: 1 }, {}) },
      { kind: 'echo', params: { value: new Date(0) } },
      { kind: 'echo', params: { value: new Map() } },
      { kind: 'echo', params: { value: 1n } },
      { kind: 'echo', params: { value: () => 1 } },
      { kind: 'echo', dependencies: [, 'a'] }, // eslint-disable-line no-sparse-arrays
      { kind: 'echo', dependencies: extraMember },
      JSON.parse('{"kind": "echo", "metadata": {"__proto__": 1}}'),
      { kind: 'echo', params: deep },
      { kind: 'echo', params: Array.from({ length: 2000 }, (_, i) => i) },
    ];
    for (const input of inputs) expect(fastSpec(input), String(JSON.stringify(input, (_k, v: unknown) => (typeof v === 'bigint' ? 'bigint' : v)))).toBeUndefined();
    // ...and the slow path's result for them is normalizeSpec's.
    expect(normalizeSpec({ kind: 'echo', params: { value: { a: shared, b: shared } } }, ctx).params).toEqual({ value: { a: { a: 1 }, b: { a: 1 } } });
    expect(() => normalizeSpec({ kind: 'echo', params: { value: () => 1 } }, ctx)).toThrow(/must be plain data/);
  });

  it('gives the errors the slow path gives, from the slow path', () => {
    const bad: unknown[] = [{ kind: '' }, { kind: 'echo', priority: 'urgent' }, { kind: 'echo', colour: 'red' }, { kind: 'echo', retry: { maxRetries: -1 } }, { kind: 'nope' }, [], null, 'echo'];
    for (const input of bad) {
      expect(fastSpec(input) === undefined || (input as { kind: string }).kind === 'nope').toBe(true);
      let fromSlow: unknown;
      try {
        parseSpec(input, '[3]');
      } catch (err) {
        fromSlow = err;
      }
      const fromNormalize = (() => {
        try {
          normalizeSpec(input, ctx, '[3]');
        } catch (err) {
          return err;
        }
        throw new Error('expected an error');
      })();
      if (fromSlow !== undefined) expect(fromNormalize).toEqual(fromSlow);
      else expect((fromNormalize as Error).message).toMatch(/unknown task kind "nope"/);
    }
  });
});
