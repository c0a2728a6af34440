/**
 * promises-flag-spellings.ts on synthetic histories: each spelling of a
 * flag the command took as the README reads it passes; a plain number
 * taken as seconds (blind set 19 #01, under promise 30), a spelling the
 * command refused, and a worker flag misread (under promise 31) are
 * reported. And the probe itself (operator-args.ts flagSpellings) through
 * the real commands. The simulation: tests/sim/broken-cli19.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { FlagSpelling } from '../../harness/check/promises-flag-spellings.js';
import { flagSpellings } from '../../harness/scenario/operator-arg-spellings.js';
import { H, baseContext } from './builder.js';

const messages = (spellings: Omit<FlagSpelling, 'command'>[], promise: 'retention' | 'cli' = 'retention', command: FlagSpelling['command'] = 'coordinator'): string[] => {
  const h = new H();
  h.at(0).rec.recordInfo({ flagSpellings: spellings.map((s) => ({ command, ...s })) });
  return checkHistory(h.history(), [promise], baseContext).map((v) => v.message);
};

describe('operator flags mean the same however spelled', () => {
  it('passes spellings the command took as the README reads them', () => {
    expect(messages([{ flag: '--retain-age', spelling: '3600000', config: 3_600_000 }, { flag: '--retain-age', spelling: '1h', config: 3_600_000 }, { flag: '--retain-sweep', spelling: '500ms', config: 500 }, { flag: '--retain-count', spelling: '8', config: 8 }])).toEqual([]);
    expect(messages([{ flag: '--lease-ms', spelling: '3000', config: 3000 }, { flag: '--rtt-factor', spelling: '2.5', config: 2.5 }], 'cli')).toEqual([]);
  });

  it('reports a plain number taken as seconds and a spelling refused (promise 30)', () => {
    expect(messages([{ flag: '--retain-sweep', spelling: '500', config: 500_000 }, { flag: '--retain-age', spelling: '2d', config: null }])).toEqual([
      expect.stringMatching(/squall coordinator --retain-sweep 500 configured 500000, but the README reads 500 as 500 ms/),
      expect.stringMatching(/squall coordinator --retain-age 2d configured no value \(refused, or not set\), but the README reads 2d as 172800000 ms/),
    ]);
  });

  it('reports another flag misread under promise 31, not 30', () => {
    const wrong = [{ flag: '--hand-back-grace-ms', spelling: '300', config: 300_000 }];
    expect(messages(wrong, 'retention', 'worker')).toEqual([]);
    expect(messages(wrong, 'cli', 'worker')).toEqual([expect.stringMatching(/squall worker --hand-back-grace-ms 300 configured 300000, but the README reads 300 as 300: the flag sets what its --help says/)]);
  });

  it('the probe spells each duration flag every documented way, through the commands', () => {
    const s = flagSpellings('coordinator', ['--retain-age', '2h', '--retain-sweep', '1500ms', '--lease-ms', '4000']);
    expect(s.map((x) => `${x.flag} ${x.spelling}=${x.config}`)).toEqual([
      '--retain-age 7200000=7200000', '--retain-age 7200000ms=7200000', '--retain-age 7200s=7200000', '--retain-age 120m=7200000', '--retain-age 2h=7200000',
      '--retain-sweep 1500=1500', '--retain-sweep 1500ms=1500', '--lease-ms 4000=4000',
    ]);
    expect(flagSpellings('coordinator', ['--retain-sweep', '1s'])).toEqual([]);
    expect(flagSpellings('worker', ['--concurrency', '3', '--backoff-max-ms', '800']).map((x) => x.config)).toEqual([3, 800]);
  });
});
