/**
 * The handshake fast path (fast-decode-handshake.ts) against zod, the
 * schema's single source: on random valid welcome, registered, sync_result,
 * register, sync and error frames and on mutated ones (a field dropped or replaced
 * by a value near a boundary or of the wrong type, an extra key, nested
 * objects and array items broken the same way, `__proto__` members), the
 * fast path may only accept what zod accepts, must return exactly zod's value
 * (same key order) when it does, and must not decline valid frames of the
 * usual shape. Frames go through JSON text and JSON.parse, as on the wire.
 * Fixed seed, so a failure reproduces.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAgreesWithZod, mutatedText, Raw } from './testing.js';
import { decodeToCoordinator, decodeToWorker, encode } from './codec.js';
import { handshakeFastPath } from './fast-decode-handshake.js';
import { ToCoordinator, ToWorker } from './messages.js';

const id = fc.string({ minLength: 1, maxLength: 40 });
const posInt = fc.integer({ min: 1, max: 2 ** 31 });
const hex = (n: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const envelopeKeys = { v: fc.constant(2), ack: fc.nat(), sig: fc.string({ maxLength: 64 }), crc: fc.string({ minLength: 8, maxLength: 8 }) };
const welcome = fc.record(
  {
    ...envelopeKeys,
    type: fc.constant('welcome'),
    serverVersion: fc.string({ maxLength: 10 }),
    protocolVersions: fc.array(fc.integer({ min: -3, max: 5 }), { maxLength: 3 }),
    nonce: fc.string({ minLength: 16, maxLength: 40 }),
    authRequired: fc.boolean(),
    signMessages: fc.boolean(),
    heartbeatMs: posInt,
    heartbeatTimeoutMs: posInt,
    maxFrameBytes: posInt,
    compression: fc.boolean(),
    earlySync: fc.boolean(),
    helloAccepted: fc.constantFrom(true, false, 1),
  },
  { requiredKeys: ['v', 'type', 'serverVersion', 'protocolVersions', 'nonce', 'authRequired', 'signMessages', 'heartbeatMs', 'heartbeatTimeoutMs', 'maxFrameBytes', 'compression'] },
);
const registered = fc.record(
  { ...envelopeKeys, type: fc.constant('registered'), workerId: id, sessionId: id, resumed: fc.boolean(), lastSeq: fc.nat(), leaseMs: posInt, proof: hex(64) },
  { requiredKeys: ['v', 'type', 'workerId', 'sessionId', 'resumed', 'lastSeq', 'leaseMs'] },
);
const revoke = fc.record({ executionId: id, reason: fc.string({ maxLength: 30 }) });
const syncResult = fc.record(
  { ...envelopeKeys, seq: posInt, type: fc.constant('sync_result'), confirm: fc.array(id, { maxLength: 3 }), revoke: fc.array(revoke, { maxLength: 3 }) },
  { requiredKeys: ['v', 'seq', 'type', 'confirm', 'revoke'] },
);
const capabilities = fc.record({ kinds: fc.array(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 4 }), concurrency: fc.integer({ min: 1, max: 10_000 }) });
const register = fc.record(
  {
    ...envelopeKeys,
    type: fc.constant('register'),
    protocolVersion: fc.integer({ min: -1, max: 3 }),
    workerId: id,
    capabilities,
    clientNonce: hex(32),
    auth: fc.record({ mac: hex(64) }),
    resume: fc.record({ sessionId: id, lastSeq: fc.nat() }),
  },
  { requiredKeys: ['v', 'type', 'protocolVersion', 'workerId', 'capabilities', 'clientNonce'] },
);
const held = fc.record({ executionId: id, attempt: posInt, leaseToken: id, state: fc.constantFrom('running', 'finished') });
const error = fc.record({ ...envelopeKeys, type: fc.constant('error'), code: fc.string({ maxLength: 20 }), message: fc.string({ maxLength: 50 }), path: fc.string({ maxLength: 20 }) }, { requiredKeys: ['v', 'type', 'code', 'message'] });
const sync = fc.record({ ...envelopeKeys, seq: posInt, type: fc.constant('sync'), tasks: fc.array(held, { maxLength: 3 }) }, { requiredKeys: ['v', 'type', 'tasks'] });

// Values near every boundary the schemas draw (ints, signs, finiteness, string lengths, wrong types, nested shapes).
const odd = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, 1.5, 2 ** 53 - 1, 2 ** 53, 1e308, 10_000, 10_001, null, true, false, '', '1', [], {}, 'running', 'register'),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 10 }),
  fc.constantFrom(15, 16, 31, 32, 63, 64, 65, 99, 100, 101, 127, 128, 129, 199, 200, 201).map((n) => 'x'.repeat(n)),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.constant(null), fc.constantFrom('x'.repeat(101), 'x'.repeat(201))), { maxLength: 3 }),
  fc.array(fc.record({ executionId: fc.oneof(id, fc.constant('')), attempt: fc.oneof(posInt, fc.constant(0)), leaseToken: id, state: fc.constantFrom('running', 'done'), reason: fc.string({ maxLength: 3 }) }, { requiredKeys: [] }), { maxLength: 2 }),
  fc.record({ kinds: fc.oneof(fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }), fc.constant('k')), concurrency: fc.oneof(posInt, fc.constantFrom(0, 10_001, 1.5)), mac: hex(64), sessionId: id, lastSeq: fc.integer({ min: -1, max: 3 }), extra: fc.integer() }, { requiredKeys: [] }),
  fc.constantFrom(new Raw('1e999'), new Raw('[1,1e999]'), new Raw('{"__proto__":{"x":1}}'), new Raw('{"__proto__":1,"kinds":["a"],"concurrency":1}'), new Raw('[{"__proto__":1,"executionId":"e","attempt":1,"leaseToken":"l","state":"running"}]')),
);
const FIELDS = [
  ...['v', 'ack', 'sig', 'crc', 'seq', 'type', 'extra', '__proto__'],
  ...['serverVersion', 'protocolVersions', 'nonce', 'authRequired', 'signMessages', 'heartbeatMs', 'heartbeatTimeoutMs', 'maxFrameBytes', 'compression', 'earlySync', 'helloAccepted'],
  ...['workerId', 'sessionId', 'resumed', 'lastSeq', 'leaseMs', 'proof', 'confirm', 'revoke'],
  ...['protocolVersion', 'capabilities', 'clientNonce', 'auth', 'resume', 'tasks', 'code', 'message', 'path'],
];
const nearMiss = fc.constantFrom('Welcome', 'sync ', 'register\u0000', 'ping', 1, 3);
const mutation = fc.array(fc.tuple(fc.constantFrom(...FIELDS), fc.option(fc.oneof(odd, nearMiss), { nil: undefined })), { maxLength: 3 });


const hex64 = 'ab'.repeat(32);
const FULL_FRAMES: Record<string, unknown>[] = [
  { v: 2, ack: 1, sig: 's', crc: '01234567', type: 'welcome', serverVersion: '1', protocolVersions: [2], nonce: 'n'.repeat(16), authRequired: true, signMessages: false, heartbeatMs: 1, heartbeatTimeoutMs: 2, maxFrameBytes: 3, compression: false, earlySync: true, helloAccepted: true },
  { v: 2, ack: 0, type: 'registered', workerId: 'w', sessionId: 's', resumed: true, lastSeq: 0, leaseMs: 1, proof: hex64 },
  { v: 2, seq: 1, type: 'sync_result', confirm: ['e'], revoke: [{ executionId: 'e', reason: '' }] },
  { v: 2, type: 'register', protocolVersion: 2, workerId: 'w', capabilities: { kinds: ['k'], concurrency: 1 }, clientNonce: 'c'.repeat(32), auth: { mac: hex64 }, resume: { sessionId: 's', lastSeq: 0 } },
  { v: 2, seq: 1, type: 'sync', tasks: [{ executionId: 'e', attempt: 1, leaseToken: 'l', state: 'finished' }] },
  { v: 2, ack: 3, type: 'error', code: 'overloaded', message: 'm', path: 'p' },
];

/** Every member path of a frame, into nested objects and the first item of arrays, plus an unknown key at each level. */
function pathsOf(x: unknown, prefix: string[] = []): string[][] {
  if (typeof x !== 'object' || x === null) return [];
  const keys = Array.isArray(x) ? (x.length > 0 ? ['0'] : []) : [...Object.keys(x), 'extra'];
  return keys.flatMap((k) => [[...prefix, k], ...pathsOf((x as Record<string, unknown>)[k], [...prefix, k])]);
}

/** A deep copy of `x` with the member at `path` set to `value` (removed when undefined). */
function withValue(x: unknown, path: readonly string[], value: unknown): unknown {
  const copy = structuredClone(x) as Record<string, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

const TO_WORKER: ReadonlySet<unknown> = new Set(['welcome', 'registered', 'sync_result']);

describe('handshake fast path', () => {
  it('accepts only what zod accepts and returns exactly what zod returns (random and mutated frames)', () => {
    let fastTaken = 0;
    fc.assert(
      fc.property(fc.oneof(welcome, registered, syncResult, register, sync, error), mutation, (base, changes) => {
        const frame = mutatedText(base, changes);
        const msg = JSON.parse(frame) as Record<string, unknown>;
        const z = TO_WORKER.has(msg.type) ? ToWorker.safeParse(msg) : ToCoordinator.safeParse(msg);
        if (expectAgreesWithZod(handshakeFastPath(msg), z, changes.length > 0)) fastTaken++;
      }),
      { numRuns: 8000, seed: 34 },
    );
    expect(fastTaken).toBeGreaterThan(2000);
  });

  it('agrees with zod on every field, nested ones included, set to each boundary value or dropped', () => {
    const str = (n: number): string => 'x'.repeat(n);
    const values: unknown[] = [undefined, null, true, false, 0, -0, 1, -1, 0.5, 2 ** 53 - 1, 2 ** 53, 10_000, 10_001, 1e308, [], {}, [1], ['a'], [''], 'running', 'finished', 'done'];
    for (const n of [0, 1, 15, 16, 31, 32, 63, 64, 65, 100, 101, 128, 129, 200, 201]) values.push(str(n));
    let fastTaken = 0;
    for (const base of FULL_FRAMES) {
      for (const path of pathsOf(base)) {
        for (const value of values) {
          const msg = JSON.parse(JSON.stringify(withValue(base, path, value))) as Record<string, unknown>;
          const z = TO_WORKER.has(msg.type) ? ToWorker.safeParse(msg) : ToCoordinator.safeParse(msg);
          if (expectAgreesWithZod(handshakeFastPath(msg), z, true)) fastTaken++;
        }
      }
    }
    expect(fastTaken).toBeGreaterThan(300);
  });

  it('agrees with zod at the array limits (100 kinds, 10,000 held tasks)', () => {
    const [, , , reg, syn] = FULL_FRAMES as [unknown, unknown, unknown, Record<string, unknown>, Record<string, unknown>];
    for (const n of [100, 101]) {
      const msg = withValue(reg, ['capabilities', 'kinds'], Array(n).fill('k')) as Record<string, unknown>;
      expect(expectAgreesWithZod(handshakeFastPath(msg), ToCoordinator.safeParse(msg), true)).toBe(n === 100);
    }
    for (const n of [10_000, 10_001]) {
      const msg = withValue(syn, ['tasks'], Array(n).fill((syn.tasks as unknown[])[0])) as Record<string, unknown>;
      expect(expectAgreesWithZod(handshakeFastPath(msg), ToCoordinator.safeParse(msg), true)).toBe(n === 10_000);
    }
  });

  it('goes through the full decoder: valid frames take the fast path, bad ones are named by zod', () => {
    const r = { v: 2 as const, type: 'register' as const, protocolVersion: 2, workerId: 'w1', capabilities: { kinds: ['echo'], concurrency: 4 }, clientNonce: 'a'.repeat(32), resume: { sessionId: 's1', lastSeq: 3 } };
    expect(decodeToCoordinator(encode(r))).toEqual({ ok: true, msg: { ...r, crc: expect.any(String) } });
    expect(decodeToCoordinator(encode({ ...r, capabilities: { kinds: ['echo'], concurrency: 0 } }))).toMatchObject({ ok: false, code: 'malformed', path: 'capabilities.concurrency' });
    const s = { v: 2 as const, type: 'sync' as const, tasks: [{ executionId: 'e1', attempt: 1, leaseToken: 'l1', state: 'running' as const }] };
    expect(decodeToCoordinator(encode(s))).toEqual({ ok: true, msg: { ...s, crc: expect.any(String) } });
    expect(decodeToCoordinator(encode({ ...s, tasks: [{ ...s.tasks[0], state: 'done' }] } as never))).toMatchObject({ ok: false, code: 'malformed', path: 'tasks.0.state' });
    const g = { v: 2 as const, type: 'registered' as const, workerId: 'w1', sessionId: 's1', resumed: false, lastSeq: 0, leaseMs: 5000 };
    expect(decodeToWorker(encode(g))).toEqual({ ok: true, msg: { ...g, crc: expect.any(String) } });
    expect(decodeToWorker(encode({ ...g, proof: 'ab' }))).toMatchObject({ ok: false, code: 'malformed', path: 'proof' });
  });
});
