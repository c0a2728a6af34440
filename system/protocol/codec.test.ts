import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CloseCode } from './close-codes.js';
import { decodeToCoordinator, decodeToWorker, encode, heartbeatFastPath } from './codec.js';
import { coordinatorProof, registrationMac, sessionSigningKey } from './handshake.js';
import type { Register, Welcome } from './messages.js';
import { PROTOCOL_VERSION, ToCoordinator, ToWorker } from './messages.js';

const result: ToCoordinator = {
  v: PROTOCOL_VERSION,
  type: 'result',
  seq: 3,
  ack: 2,
  executionId: 'ex_1',
  attempt: 1,
  leaseToken: 'ls_1',
  outcome: 'completed',
  result: { ok: true },
  durationMs: 12,
};

describe('codec', () => {
  it('round-trips a valid message', () => {
    const d = decodeToCoordinator(encode(result));
    expect(d).toMatchObject({ ok: true, msg: result });
  });

  it('a result keeps a __proto__ member of its data (zod leaves it out; promise 33)', () => {
    const data = JSON.parse('{"a": 1, "__proto__": {"b": [{"__proto__": 2}]}, "c": {}}') as unknown;
    const d = decodeToCoordinator(encode({ ...result, result: data } as ToCoordinator));
    expect(d.ok).toBe(true);
    expect(JSON.stringify(d.ok ? (d.msg as { result?: unknown }).result : undefined)).toBe(JSON.stringify(data));
  });

  it('never throws on arbitrary strings, and rejects them with a close code', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const d = decodeToCoordinator(s);
        if (!d.ok) expect(Object.values(CloseCode)).toContain(d.closeCode);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary JSON values, in either direction', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const frame = JSON.stringify(v);
        decodeToCoordinator(frame);
        decodeToWorker(frame);
      }),
      { numRuns: 2000 },
    );
  });

  it('never accepts a mutated reliable message with a wrong field type', () => {
    fc.assert(
      fc.property(fc.constantFrom('seq', 'attempt', 'executionId', 'outcome', 'durationMs'), fc.oneof(fc.string(), fc.object(), fc.constant(-1)), (field, value) => {
        fc.pre(!(field === 'executionId' && typeof value === 'string' && value.length > 0));
        const d = decodeToCoordinator(encode({ ...result, [field]: value } as ToCoordinator));
        expect(d.ok).toBe(false);
        if (!d.ok) expect(d.path).toBe(field);
      }),
    );
  });

  it('names the reason and the close code for each kind of bad frame', () => {
    const cases: [string, number, string][] = [
      ['{not json', CloseCode.Malformed, 'malformed'],
      ['[1,2]', CloseCode.Malformed, 'malformed'],
      [JSON.stringify({ ...result, v: 99 }), CloseCode.UnsupportedVersion, 'unsupported_version'],
      [JSON.stringify({ v: 2, type: 'teleport' }), CloseCode.UnknownType, 'unknown_type'],
      [encode({ ...result, outcome: 'exploded' } as unknown as ToCoordinator), CloseCode.Malformed, 'malformed'],
      [JSON.stringify(result), CloseCode.Malformed, 'malformed'],
      [encode(result).replace('"ex_1"', '"ex_7"'), CloseCode.Malformed, 'malformed'],
      [encode({ ...result, result: 'x'.repeat(2000) }), CloseCode.TooLarge, 'too_large'],
    ];
    for (const [frame, closeCode, code] of cases) {
      const d = decodeToCoordinator(frame, 1024);
      expect(d.ok, frame.slice(0, 40)).toBe(false);
      if (!d.ok) {
        expect(d.closeCode).toBe(closeCode);
        expect(d.code).toBe(code);
        expect(d.message.length).toBeGreaterThan(10);
      }
    }
  });

  it('rejects any single flipped bit of an unsigned frame (crc), so corruption is never acted on', () => {
    const frame = encode(result);
    fc.assert(
      fc.property(fc.nat({ max: frame.length - 1 }), fc.nat({ max: 6 }), (i, bit) => {
        const flipped = frame.slice(0, i) + String.fromCharCode(frame.charCodeAt(i) ^ (1 << bit)) + frame.slice(i + 1);
        expect(decodeToCoordinator(flipped).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('a corrupted version or type is an integrity failure (retryable 4400), never a fatal version error', () => {
    const frame = encode(result);
    const v0 = frame.replace('"v":2', '"v":0');
    expect(decodeToCoordinator(v0)).toMatchObject({ ok: false, code: 'malformed', closeCode: CloseCode.Malformed, path: 'crc' });
    const teleport = frame.replace('"type":"result"', '"type":"resulu"');
    expect(decodeToCoordinator(teleport)).toMatchObject({ ok: false, code: 'malformed', path: 'crc' });
    // An intact frame of another version is still a version error.
    expect(decodeToCoordinator(encode({ ...result, v: 1 } as unknown as ToCoordinator))).toMatchObject({ ok: false, closeCode: CloseCode.UnsupportedVersion });
  });

  it('on a signing session, an unsigned `error` whose type a flip changed fails its crc, not as an unknown type', () => {
    const key = sessionSigningKey('s3cret', 'n'.repeat(32), 'c'.repeat(32));
    const error = encode({ v: PROTOCOL_VERSION, type: 'error', code: 'malformed', message: 'bad frame' } as ToCoordinator);
    expect(decodeToCoordinator(error, undefined, key).ok).toBe(true);
    const flipped = error.replace('"type":"error"', '"type":"errnr"');
    expect(decodeToCoordinator(flipped, undefined, key)).toMatchObject({ ok: false, code: 'malformed', closeCode: CloseCode.Malformed, path: 'crc' });
    expect(decodeToWorker(flipped, undefined, key)).toMatchObject({ ok: false, code: 'malformed', path: 'crc' });
    // Intact with a valid crc, a type that must be signed is still refused for its missing signature.
    expect(decodeToCoordinator(encode(result), undefined, key)).toMatchObject({ ok: false, closeCode: CloseCode.BadSignature });
  });

  it('a message-direction mismatch is an unknown type (assign sent to the coordinator)', () => {
    const d = decodeToCoordinator(JSON.stringify({ v: 2, type: 'assign', seq: 1 }));
    expect(d.ok === false && d.code).toBe('unknown_type');
  });

  it('verifies signatures: a signed frame passes, a tampered or unsigned one fails', () => {
    const key = sessionSigningKey('s3cret', 'n'.repeat(32), 'c'.repeat(32));
    const signed = encode(result, key);
    expect(decodeToCoordinator(signed, undefined, key).ok).toBe(true);
    const tampered = signed.replace('"durationMs":12', '"durationMs":13');
    expect(decodeToCoordinator(tampered, undefined, key)).toMatchObject({ ok: false, closeCode: CloseCode.BadSignature });
    expect(decodeToCoordinator(encode(result), undefined, key)).toMatchObject({ ok: false, closeCode: CloseCode.BadSignature });
    expect(decodeToCoordinator(signed, undefined, sessionSigningKey('other', 'n'.repeat(32), 'c'.repeat(32))).ok).toBe(false);
    expect(decodeToCoordinator(signed, undefined, sessionSigningKey('s3cret', 'n'.repeat(32), 'd'.repeat(32))).ok).toBe(false);
  });

  it('the ping/pong/ack fast path accepts only what zod accepts, and returns exactly what zod returns', () => {
    // Values near every boundary the schemas draw (ints, signs, finiteness, string lengths, wrong types).
    const value = fc.oneof(
      fc.constantFrom(0, -0, 1, -1, 0.5, 2 ** 53 - 1, 2 ** 53, 1e308, Infinity, -Infinity, NaN, null, true, '1', [], {}),
      fc.integer(),
      fc.double(),
      fc.string({ maxLength: 10 }),
      fc.string({ minLength: 126, maxLength: 130 }),
    );
    const field = (k: string): fc.Arbitrary<Record<string, unknown>> => fc.option(value.map((x) => ({ [k]: x })), { nil: {} });
    const message = fc
      .tuple(fc.constantFrom('ping', 'pong', 'ack', 'progress'), field('ack'), field('sig'), field('crc'), field('id'), field('t'), field('extra'), fc.boolean())
      .map(([type, ...rest]) => {
        const [ack, sig, crc, id, t, extra, idOk] = rest;
        return { v: 2, type, ...ack, ...sig, ...crc, ...(idOk ? { id: 7, t: 12.5 } : {}), ...id, ...t, ...(extra as object) };
      });
    fc.assert(
      fc.property(message, fc.boolean(), (msg, toWorker) => {
        const schema = toWorker ? ToWorker : ToCoordinator;
        const z = schema.safeParse(msg);
        const fast = heartbeatFastPath(msg);
        if (fast !== undefined) {
          expect(z.success).toBe(true);
          expect(JSON.stringify(fast)).toBe(JSON.stringify(z.data));
        } else if (msg.type === 'ping' || msg.type === 'pong' || msg.type === 'ack') {
          // Declined: zod decides; declining something valid would only be slower, so require that it is invalid.
          expect(z.success).toBe(false);
        }
      }),
      { numRuns: 3000 },
    );
    // And through the full decoder: a valid ping round-trips; a bad id is named by zod's message.
    const ping = decodeToWorker(encode({ v: 2, type: 'ping', id: 3, t: 9.5, ack: 4 }));
    expect(ping).toEqual({ ok: true, msg: { v: 2, ack: 4, crc: expect.any(String), type: 'ping', id: 3, t: 9.5 } });
    const bad = decodeToCoordinator(encode({ v: 2, type: 'pong', id: -1, t: 1 } as unknown as ToCoordinator));
    expect(bad).toMatchObject({ ok: false, code: 'malformed', path: 'id' });
  });

  it('binds both handshake MACs to every welcome parameter, both nonces and the register/registered fields', () => {
    const welcome: Welcome = {
      v: 2, type: 'welcome', serverVersion: '1', protocolVersions: [2], nonce: 'n'.repeat(32), authRequired: true,
      signMessages: true, heartbeatMs: 1000, heartbeatTimeoutMs: 3000, maxFrameBytes: 1024, compression: true,
    };
    const reg = { protocolVersion: 2, workerId: 'w1', clientNonce: 'c'.repeat(32), capabilities: { kinds: ['echo'], concurrency: 1 } } as Register;
    const mac = registrationMac('k', welcome, reg);
    expect(mac).toMatch(/^[0-9a-f]{64}$/);
    const changes: Partial<Welcome>[] = [
      { signMessages: false }, { compression: false }, { authRequired: false }, { nonce: 'm'.repeat(32) }, { protocolVersions: [1, 2] },
      { heartbeatMs: 999 }, { heartbeatTimeoutMs: 2999 }, { maxFrameBytes: 1025 }, { serverVersion: '2' },
    ];
    for (const change of changes) expect(registrationMac('k', { ...welcome, ...change }, reg)).not.toBe(mac);
    expect(registrationMac('k', welcome, { ...reg, workerId: 'w2' })).not.toBe(mac);
    expect(registrationMac('k', welcome, { ...reg, clientNonce: 'd'.repeat(32) })).not.toBe(mac);
    expect(registrationMac('k', welcome, { ...reg, capabilities: { kinds: ['echo', 'command'], concurrency: 1 } })).not.toBe(mac);
    const r = { workerId: 'w1', sessionId: 'ss_1', resumed: false, lastSeq: 0, leaseMs: 1000 };
    const proof = coordinatorProof('k', welcome, reg.clientNonce, r);
    expect(proof).not.toBe(mac);
    expect(coordinatorProof('k', { ...welcome, signMessages: false }, reg.clientNonce, r)).not.toBe(proof);
    expect(coordinatorProof('k', welcome, 'd'.repeat(32), r)).not.toBe(proof);
    expect(coordinatorProof('other', welcome, reg.clientNonce, r)).not.toBe(proof);
    expect(coordinatorProof('k', welcome, reg.clientNonce, { ...r, sessionId: 'ss_2' })).not.toBe(proof);
  });
});
