/**
 * Every numeric flag of the system's commands accepts only its documented
 * grammar (tests/cli/numeric-grammar.ts, fast-check at a fixed seed), and a
 * string in the grammar is accepted exactly when its value is in range.
 */
import { describe, expect, it } from 'vitest';
import { durationOption } from '../../system/cli/coordinator-store.js';
import { intOption, numberOption } from '../../system/cli/options.js';
import fc from 'fast-check';
import { laxNumericFlag } from './numeric-grammar.js';

const accepts = (parse: (v: string) => unknown, v: string): boolean => {
  try {
    parse(v);
    return true;
  } catch {
    return false;
  }
};

describe('numeric flags: plain decimal digits, as documented', () => {
  it('no numeric option of squall coordinator, worker, submit or the client commands accepts a string outside its grammar', () => {
    const r = laxNumericFlag(34, 400);
    expect(r.found).toBeUndefined();
    expect(r.options).toBeGreaterThanOrEqual(25);
    expect(r.accepted).toBeGreaterThan(100);
  });

  it('the parsers accept a string iff it is in the grammar and its value in range', () => {
    const int = intOption('--x', 10, 5000);
    const num = numberOption('--k', 1, 100);
    const dur = durationOption('--d');
    const units: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
    const strings = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789.e+- xsmhd'.split('')), maxLength: 7 }),
      fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.constantFrom('', '.5', 'e1', 'ms', 's', 'd', ' ')).map(([n, s]) => `${n}${s}`),
    );
    fc.assert(
      fc.property(strings, (v) => {
        expect(accepts(int, v), `int ${JSON.stringify(v)}`).toBe(/^[0-9]+$/.test(v) && Number(v) >= 10 && Number(v) <= 5000);
        expect(accepts(num, v), `number ${JSON.stringify(v)}`).toBe(/^[0-9]+(\.[0-9]+)?$/.test(v) && Number(v) >= 1 && Number(v) <= 100);
        const m = /^([0-9]+)(ms|s|m|h|d)?$/.exec(v);
        expect(accepts(dur, v), `duration ${JSON.stringify(v)}`).toBe(m !== null && Number(m[1]) * (units[m[2] ?? ''] ?? NaN) > 0);
      }),
      { seed: 34, numRuns: 2000 },
    );
  });
});
