/**
 * Part of promise 30, promises-flag-spellings.ts, on synthetic histories:
 * each spelling of a duration flag the command took as the README reads it
 * passes; a plain number taken as seconds (blind set 19 #01) and a spelling
 * the command refused are reported. The simulation's probe and a broken
 * parser: tests/sim/broken-cli19.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { FlagSpelling } from '../../harness/check/promises-flag-spellings.js';
import { durationSpellings } from '../../harness/scenario/operator-args.js';
import { H, baseContext } from './builder.js';

const messages = (spellings: FlagSpelling[]): string[] => {
  const h = new H();
  h.at(0).rec.recordInfo({ flagSpellings: spellings });
  return checkHistory(h.history(), ['retention'], baseContext).map((v) => v.message);
};

describe('30 retention: every spelling of a duration flag means the same', () => {
  it('passes spellings the command took as the README reads them', () => {
    expect(messages([{ flag: '--retain-age', spelling: '3600000', configMs: 3_600_000 }, { flag: '--retain-age', spelling: '1h', configMs: 3_600_000 }, { flag: '--retain-sweep', spelling: '500ms', configMs: 500 }])).toEqual([]);
  });

  it('reports a plain number taken as seconds and a spelling refused', () => {
    expect(messages([{ flag: '--retain-sweep', spelling: '500', configMs: 500_000 }, { flag: '--retain-age', spelling: '2d', configMs: null }])).toEqual([
      expect.stringMatching(/squall coordinator --retain-sweep 500 configured 500000 ms, but the README reads 500 as 500 ms/),
      expect.stringMatching(/squall coordinator --retain-age 2d configured no value \(refused, or no policy\), but the README reads 2d as 172800000 ms/),
    ]);
  });

  it('the probe spells each duration flag every documented way, through the command', () => {
    const s = durationSpellings(['--retain-age', '2h', '--retain-sweep', '1500ms']);
    expect(s.map((x) => `${x.flag} ${x.spelling}=${x.configMs}`)).toEqual([
      '--retain-age 7200000=7200000', '--retain-age 7200000ms=7200000', '--retain-age 7200s=7200000', '--retain-age 120m=7200000', '--retain-age 2h=7200000',
      '--retain-sweep 1500=1500', '--retain-sweep 1500ms=1500',
    ]);
    expect(durationSpellings(['--retain-sweep', '1s'])).toEqual([]);
  });
});
