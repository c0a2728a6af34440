/**
 * The assign/progress/checkpoint fast path (fast-decode-flow.ts) against zod,
 * the schema's single source: on random valid frames and on mutated ones (a
 * field dropped, replaced by a value near a boundary or of the wrong type, an
 * extra key; params and checkpoint state holding an overflowing number or a
 * `__proto__` key), the fast path may only accept what zod accepts, must
 * return exactly zod's value when it does, and must not decline valid frames
 * of the usual shape. Frames go through JSON text and JSON.parse, as on the
 * wire. Fixed seed, so a failure reproduces.
 */
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAgreesWithZod, mutatedText, Raw } from './testing.js';
import { decodeToCoordinator, decodeToWorker, encode } from './codec.js';
import { flowFastPath } from './fast-decode-flow.js';
import { ToCoordinator, ToWorker } from './messages.js';

const id = fc.string({ minLength: 1, maxLength: 40 });
const posInt = fc.integer({ min: 1, max: 2 ** 31 });
const json = fc.jsonValue({ maxDepth: 3 });
const payload = fc.record({ seq: fc.nat(), state: json });
const envelopeKeys = { v: fc.constant(2), ack: fc.nat(), sig: fc.string({ maxLength: 64 }), crc: fc.string({ minLength: 8, maxLength: 8 }) };
const assign = fc.record(
  { ...envelopeKeys, seq: posInt, type: fc.constant('assign'), executionId: id, attempt: posInt, leaseToken: id, kind: fc.string({ minLength: 1, maxLength: 20 }), params: json, timeoutMs: posInt, checkpoint: payload },
  { requiredKeys: ['v', 'seq', 'type', 'executionId', 'attempt', 'leaseToken', 'kind', 'params'] },
);
const progress = fc.record(
  { ...envelopeKeys, type: fc.constant('progress'), executionId: id, leaseToken: id, fraction: fc.double({ min: 0, max: 1, noNaN: true }), message: fc.string({ maxLength: 50 }) },
  { requiredKeys: ['v', 'type', 'executionId', 'leaseToken', 'fraction'] },
);
const checkpoint = fc.record(
  { ...envelopeKeys, seq: posInt, type: fc.constant('checkpoint'), executionId: id, attempt: posInt, leaseToken: id, checkpoint: payload },
  { requiredKeys: ['v', 'seq', 'type', 'executionId', 'attempt', 'leaseToken', 'checkpoint'] },
);

// Values near every boundary the schemas draw (ints, signs, finiteness, string lengths, wrong types, json).
const odd = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, 1.5, 2 ** 53 - 1, 2 ** 53, 1e308, null, true, '', '1', [], {}, 'assign'),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 10 }),
  fc.string({ minLength: 99, maxLength: 102 }),
  fc.string({ minLength: 199, maxLength: 202 }),
  fc.string({ minLength: 999, maxLength: 1002 }),
  fc.record({ seq: fc.oneof(fc.nat(), fc.constantFrom(-1, 0.5, '1')), state: json, extra: fc.integer() }, { requiredKeys: ['seq'] }),
  fc.constantFrom(new Raw('1e999'), new Raw('[1,-1e999]'), new Raw('{"a":{"b":1e400}}'), new Raw('{"__proto__":{"x":1}}'), new Raw('{"seq":1,"state":1e999}'), new Raw('{"seq":1,"state":{"__proto__":1}}')),
);
const FIELDS = ['v', 'ack', 'sig', 'crc', 'seq', 'type', 'executionId', 'attempt', 'leaseToken', 'kind', 'params', 'timeoutMs', 'checkpoint', 'fraction', 'message', 'extra'];
const nearMiss = fc.constantFrom('Assign', 'progress ', 'checkpoint\u0000', 'ping', 1, 3);
const mutation = fc.array(fc.tuple(fc.constantFrom(...FIELDS), fc.option(fc.oneof(odd, nearMiss), { nil: undefined })), { maxLength: 3 });


describe('assign/progress/checkpoint fast path', () => {
  it('accepts only what zod accepts and returns exactly what zod returns (random and mutated frames)', () => {
    let fastTaken = 0;
    fc.assert(
      fc.property(fc.oneof(assign, progress, checkpoint), mutation, (base, changes) => {
        const frame = mutatedText(base, changes);
        const msg = JSON.parse(frame) as Record<string, unknown>;
        const z = msg.type === 'assign' ? ToWorker.safeParse(msg) : ToCoordinator.safeParse(msg);
        if (expectAgreesWithZod(flowFastPath(msg), z, changes.length > 0)) fastTaken++;
      }),
      { numRuns: 6000, seed: 14 },
    );
    expect(fastTaken).toBeGreaterThan(1500);
  });

  it('goes through the full decoder: valid frames take the fast path, bad ones are named by zod', () => {
    const a = { v: 2 as const, seq: 4, type: 'assign' as const, executionId: 'ex_1', attempt: 1, leaseToken: 'ls_1', kind: 'echo', params: { n: 1 }, checkpoint: { seq: 2, state: [1] } };
    expect(decodeToWorker(encode(a))).toEqual({ ok: true, msg: { ...a, crc: expect.any(String) } });
    expect(decodeToWorker(encode({ ...a, kind: '' }))).toMatchObject({ ok: false, code: 'malformed', path: 'kind' });
    const p = { v: 2, type: 'progress', executionId: 'ex_1', leaseToken: 'ls_1', fraction: 0.5 } as const;
    expect(decodeToCoordinator(encode(p))).toEqual({ ok: true, msg: { ...p, crc: expect.any(String) } });
    expect(decodeToCoordinator(encode({ ...p, fraction: 2 }))).toMatchObject({ ok: false, code: 'malformed', path: 'fraction' });
    const bad = `{"v":2,"seq":1,"type":"checkpoint","executionId":"e","attempt":1,"leaseToken":"l","checkpoint":{"seq":1,"state":1e999}}`;
    const withCrc = `${bad.slice(0, -1)},"crc":"${crc32(bad).toString(16).padStart(8, '0')}"}`;
    expect(decodeToCoordinator(withCrc)).toMatchObject({ ok: false, code: 'malformed', path: 'checkpoint.state' });
  });
});
