import { describe, expect, it } from 'vitest';
import { bodyOfValues } from './adversary-json-values.js';
import { countJsonValues, machineryPlacements, MACHINERY_KEYS, sampleJson, VALUE_SHAPES } from './json-shapes.js';

describe('json-shapes: generated JSON of every shape, counted exactly', () => {
  it('a value-count body holds exactly the values asked for, in every shape', () => {
    for (const shape of VALUE_SHAPES) {
      for (const n of [8, 100_000, 100_001]) expect(countJsonValues(JSON.parse(bodyOfValues(shape, n, 3)))).toBe(n);
    }
  });

  it('generated values are the same for a seed, count what they hold, and carry machinery keys as own members', () => {
    const a = sampleJson(4, 11, 100);
    expect(sampleJson(4, 11, 100)).toEqual(a);
    for (const v of a) expect(countJsonValues(JSON.parse(v.text))).toBe(v.values);
    expect(a.some((v) => v.text.includes('"__proto__":'))).toBe(true);
    const withProto = JSON.parse(machineryPlacements()[0]?.text ?? 'null') as { b: number }[];
    expect(Object.hasOwn(withProto[0] ?? {}, '__proto__')).toBe(true);
  });

  it('places every machinery key inside arrays', () => {
    const texts = machineryPlacements().map((v) => v.text);
    for (const key of MACHINERY_KEYS) expect(texts.some((t) => t.startsWith(`[{"${key}":`))).toBe(true);
  });
});
