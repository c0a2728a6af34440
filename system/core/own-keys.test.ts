import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { safeParseKeeping } from './own-keys.js';

/** JSON text with object members sorted. */
const sorted = (v: unknown): string =>
  Array.isArray(v) ? `[${v.map(sorted).join(',')}]` : v !== null && typeof v === 'object' ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${sorted((v as Record<string, unknown>)[k])}`).join(',')}}` : JSON.stringify(v);

const input = (): Record<string, unknown> => JSON.parse('{"__proto__": {"a": 1, "__proto__": [2]}, "list": [{"__proto__": null}], "x": {"constructor": 3}}') as Record<string, unknown>;

describe('safeParseKeeping', () => {
  it('puts back the __proto__ members zod leaves out, as own data, at every depth', () => {
    const raw = input();
    const schema = z.record(z.string(), z.json());
    expect(Object.hasOwn(schema.parse(raw), '__proto__')).toBe(false); // what zod does: the reason for the helper
    const r = safeParseKeeping(schema, raw);
    if (!r.success) throw new Error('expected a success');
    const kept = r.data;
    expect(JSON.stringify(kept)).toBe(JSON.stringify(raw));
    expect(sorted(kept)).toContain('"__proto__":{"__proto__":[2],"a":1}');
    expect(Object.getPrototypeOf(kept)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).a).toBeUndefined();
  });

  it('leaves what zod kept, transformed or defaulted, as it is', () => {
    const raw = JSON.parse('{"__proto__": 1, "n": "5"}') as unknown;
    const r = safeParseKeeping(z.object({ n: z.coerce.number(), d: z.number().default(7) }).catchall(z.unknown()), raw);
    expect(r.success && r.data).toEqual({ n: 5, d: 7, ['__proto__']: 1 });
    expect(r.success && Object.keys(r.data)).toEqual(['__proto__', 'n', 'd']);
  });
});
