import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corruptFrameIn } from './corrupt.js';
import { corruptFrame, describeRule, validateRule, type FaultRule } from './faults.js';

describe('fault rules', () => {
  it('rejects impossible attributes, naming the field', () => {
    const bad: [FaultRule, string][] = [
      [{ type: 'latency', latency: -1 }, 'latency.latency'],
      [{ type: 'latency', latency: 10, jitter: Number.NaN }, 'latency.jitter'],
      [{ type: 'bandwidth', rate: 0 }, 'bandwidth.rate'],
      [{ type: 'timeout', timeout: -5 }, 'timeout.timeout'],
      [{ type: 'slicer', average_size: 0, delay: 10 }, 'slicer.average_size'],
      [{ type: 'corrupt', probability: 1.5 }, 'corrupt.probability'],
      [{ type: 'corrupt', probability: 0.5, fields: [''] }, 'corrupt.fields'],
      [{ type: 'down', toxicity: 2 }, 'down.toxicity'],
    ];
    for (const [rule, path] of bad) expect(() => validateRule(rule), path).toThrow(expect.objectContaining({ path }));
    expect(() => validateRule({ type: 'nope' } as unknown as FaultRule)).toThrow(/unknown fault rule type nope/);
    expect(() => validateRule({ type: 'limit_data', bytes: 0 })).not.toThrow();
  });

  it('describes a rule canonically (sorted keys)', () => {
    expect(describeRule({ type: 'latency', jitter: 5, latency: 10 })).toBe('jitter=5,latency=10,type=latency');
  });

  it('a corrupted frame always differs from the original', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200, unit: 'binary' }), fc.nat(), (text, seed) => {
        let n = seed;
        const out = corruptFrame(text, (max) => (n++ * 7919) % (max + 1));
        return out !== text;
      }),
      { numRuns: 300 },
    );
  });

  it('says which top-level member the flip hit, and aims it at `fields` when the frame has one', () => {
    const frame = '{"v":2,"type":"result","result":{"value":"x,}"},"seq":4,"crc":"0a1b2c3d"}';
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom<string[]>(['v'], ['type'], ['v', 'type'], ['seq']), (seed, fields) => {
        let n = seed;
        const c = corruptFrameIn(frame, (max) => (n++ * 7919) % (max + 1), fields);
        return c.text !== frame && fields.includes(c.field);
      }),
      { numRuns: 300 },
    );
    // Unaimed, the field is wherever the bit landed: the first byte is the object's brace (no member).
    expect(corruptFrameIn(frame, () => 0).field).toBe('');
    expect(corruptFrameIn(frame, (max) => (max === frame.length * 8 - 1 ? 8 * frame.indexOf('"seq"') + 9 : 0)).field).toBe('seq');
    // A frame without the aimed member is corrupted anywhere.
    expect(corruptFrameIn('{"a":1}', () => 3, ['v']).text).not.toBe('{"a":1}');
  });
});

