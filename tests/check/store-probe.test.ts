/**
 * Synthetic histories for promise 7's store probe (harness/check/promises-store-probe.ts,
 * blind set 13 #21, set 17 #18), and the probe's cuts (harness/scenario/store-probe.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { truncations } from '../../harness/scenario/store-probe.js';
import { H, baseContext } from './builder.js';

function probe(refused: string | null, truncatedTo = 131072, fullBytes = 327680): H {
  const h = new H();
  h.rec.recordInfo({ probe: 'truncated-store', pageSize: 65536, fullBytes, truncatedTo, refused }, 'store-probe');
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

  it('reports a store one byte short that opened (set 17 #18: a page missing tolerated)', () => {
    expect(checkHistory(probe(null, 327679).history(), ['durability'], baseContext).map((v) => v.message)).toEqual([expect.stringMatching(/truncated to 327679 of its 327680 bytes \(1 bytes short/)]);
  });

  it('reports an intact database refused, and passes one that opened', () => {
    const intact = (refused: string | null): H => {
      const h = new H();
      h.rec.recordInfo({ probe: 'intact-store', pageSize: 4096, fullBytes: 40960, refused }, 'store-probe');
      return h;
    };
    expect(checkHistory(intact(null).history(), ['durability'], baseContext)).toEqual([]);
    expect(checkHistory(intact('refusing to open store x: it is truncated').history(), ['durability'], baseContext).map((v) => v.message)).toEqual([expect.stringMatching(/^an intact database of 40960 bytes .* was refused at start/)]);
  });

  it('cuts every size: a byte, a sector, under a page, a page, a page and a byte, several pages, to the header', () => {
    expect(truncations(40960, 4096)).toEqual([40959, 40448, 38912, 36865, 36864, 36863, 28672, 4196, 100]);
    expect(truncations(4096, 4096)).toEqual([4095, 3584, 2048, 100]);
  });
});
