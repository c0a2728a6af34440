/**
 * The started/result fast path (fast-decode.ts) against zod, the schema's
 * single source: on random valid frames and on mutated ones (a field dropped,
 * replaced by a value near a boundary or of the wrong type, an extra key), the
 * fast path may only accept what zod accepts, must return exactly zod's value
 * when it does, and must not decline valid frames of the usual shape.
 * Frames go through JSON text and JSON.parse, as on the wire. Fixed seed, so
 * a failure reproduces.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAgreesWithZod } from './testing.js';
import { decodeToCoordinator, encode } from './codec.js';
import { taskFastPath } from './fast-decode.js';
import { ToCoordinator } from './messages.js';

const id = fc.string({ minLength: 1, maxLength: 40 });
const posInt = fc.integer({ min: 1, max: 2 ** 31 });
const started = fc.record({ v: fc.constant(2), seq: posInt, type: fc.constant('started'), executionId: id, attempt: posInt, leaseToken: id }, { requiredKeys: ['v', 'seq', 'type', 'executionId', 'attempt', 'leaseToken'] });
const result = fc.record(
  {
    v: fc.constant(2),
    ack: fc.nat(),
    seq: posInt,
    type: fc.constant('result'),
    executionId: id,
    attempt: posInt,
    leaseToken: id,
    outcome: fc.constantFrom('completed', 'failed', 'cancelled', 'timeout', 'paused', 'revoked'),
    result: fc.jsonValue({ maxDepth: 3 }),
    error: fc.record({ code: fc.string({ maxLength: 20 }), message: fc.string({ maxLength: 50 }) }),
    durationMs: fc.oneof(fc.nat(), fc.double({ min: 0, max: 1e6, noNaN: true })),
    started: fc.constant(true),
  },
  { requiredKeys: ['v', 'seq', 'type', 'executionId', 'attempt', 'leaseToken', 'outcome', 'durationMs'] },
);

// Values near every boundary the schemas draw (ints, signs, finiteness, string lengths, wrong types).
const odd = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, 2 ** 53 - 1, 2 ** 53, 1e308, Infinity, NaN, null, true, '', '1', [], {}, 'completed', 'done'),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 10 }),
  fc.string({ minLength: 199, maxLength: 202 }),
  fc.string({ minLength: 126, maxLength: 130 }),
  fc.record({ code: fc.oneof(fc.string({ maxLength: 3 }), fc.string({ minLength: 99, maxLength: 102 }), fc.integer()), message: fc.oneof(fc.string(), fc.constant(null)), extra: fc.integer() }),
);
const FIELDS = ['v', 'ack', 'sig', 'crc', 'seq', 'type', 'executionId', 'attempt', 'leaseToken', 'outcome', 'result', 'error', 'durationMs', 'started', 'extra'];
// Near misses of the enum and the literals, so each is hit often, not by luck.
const nearMiss = fc.constantFrom('done', 'Completed', 'completed ', 'ping', 'Result', 'started\u0000', 1, 3);
const mutation = fc.array(fc.tuple(fc.constantFrom(...FIELDS), fc.option(fc.oneof(odd, nearMiss), { nil: undefined })), { maxLength: 3 });

function mutate(msg: Record<string, unknown>, changes: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...msg };
  for (const [k, v] of changes) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

describe('started/result fast path', () => {
  it('accepts only what zod accepts and returns exactly what zod returns (random and mutated frames)', () => {
    let fastTaken = 0;
    fc.assert(
      fc.property(fc.oneof(started, result), mutation, (base, changes) => {
        // What the fast path sees in production: JSON.parse of a frame's text.
        const frame = JSON.stringify(mutate(base, changes));
        const msg = JSON.parse(frame) as Record<string, unknown>;
        const z = ToCoordinator.safeParse(msg);
        if (expectAgreesWithZod(taskFastPath(msg, frame), z, changes.length > 0)) fastTaken++;
      }),
      { numRuns: 5000, seed: 12 },
    );
    expect(fastTaken).toBeGreaterThan(1000);
  });

  it('goes through the full decoder: a valid result takes the fast path, a bad one is named by zod', () => {
    const ok = decodeToCoordinator(encode({ v: 2, seq: 3, type: 'result', executionId: 'ex_1', attempt: 1, leaseToken: 'ls_1', outcome: 'completed', result: { n: 1 }, durationMs: 2 }));
    expect(ok).toEqual({ ok: true, msg: { v: 2, crc: expect.any(String), seq: 3, type: 'result', executionId: 'ex_1', attempt: 1, leaseToken: 'ls_1', outcome: 'completed', result: { n: 1 }, durationMs: 2 } });
    const bad = decodeToCoordinator(encode({ v: 2, seq: 3, type: 'result', executionId: 'ex_1', attempt: 0, leaseToken: 'ls_1', outcome: 'completed', durationMs: 2 }));
    expect(bad).toMatchObject({ ok: false, code: 'malformed', path: 'attempt' });
  });
});
