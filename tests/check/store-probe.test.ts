/**
 * Synthetic histories for promise 7's store probe (harness/check/promises-store-probe.ts, blind set 13 #21).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

function probe(refused: string | null): H {
  const h = new H();
  h.rec.recordInfo({ probe: 'truncated-store', pageSize: 65536, fullBytes: 327680, truncatedTo: 131072, refused }, 'store-probe');
  return h;
}

describe('7 durability: a truncated store is refused at start', () => {
  it('passes a refusal by the start-up check', () => {
    expect(checkHistory(probe('refusing to open store x: it is truncated: 131072 bytes, ...').history(), ['durability'], baseContext)).toEqual([]);
  });

  it('reports a store opened, or refused only later by SQLite', () => {
    expect(checkHistory(probe(null).history(), ['durability'], baseContext).map((v) => v.message)).toEqual([expect.stringMatching(/^the store opened a database truncated to 131072/)]);
    expect(checkHistory(probe('database disk image is malformed').history(), ['durability'], baseContext).map((v) => v.message)).toEqual([expect.stringMatching(/start-up check let through \(SQLite refused it later: database disk image is malformed\)/)]);
  });
});
