/**
 * Operator flags mean what the README and --help say, however they are
 * spelled (blind set 19 #01: `--retain-sweep 500` swept every 500 s,
 * `--retain-age 3600000` kept executions ~41 days). The simulation builds
 * the config of `squall coordinator` (coordinator.args) and `squall worker`
 * (fleet.args) through the commands' own option builders for each value
 * flag given, a duration flag in every documented spelling of the same
 * duration (plain milliseconds, `Nms`, and each larger unit dividing it:
 * `1000`, `1000ms`, `1s`; operator-args.ts flagSpellings, note
 * `flagSpellings`); each config must hold what this checker reads from the
 * spelling (spec-tables.ts readDuration for durations; integers and the
 * factors as written), never the system's parser. The retention flags are
 * judged under promise 30, the others under 31 (the CLI's contract).
 */
import { readDuration } from './spec-tables.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** One spelling of a value flag and the value the command's config took from it (note `flagSpellings`). */
export interface FlagSpelling {
  command: 'coordinator' | 'worker';
  flag: string;
  spelling: string;
  /** The config's value built from the command line with this spelling (null: none, or the command refused it). */
  config: number | null;
}

/** The checker's reading of a flag's value: a duration (README units), else the number as written (counts, ms, factors). */
function reading(flag: string, spelling: string): number {
  if (flag === '--retain-age' || flag === '--retain-sweep') return readDuration(spelling);
  return /^\d+(\.\d+)?$/.test(spelling) ? Number(spelling) : NaN;
}

/** Every spelling of every value flag the run's command lines give, the retention flags (promise 30) or the others (31). */
export function checkFlagSpellings(view: HistoryView, which: 'retention' | 'cli'): Violation[] {
  const out: Violation[] = [];
  for (const r of view.records) {
    const spellings = r.f === 'note' ? (r.value.flagSpellings as FlagSpelling[] | undefined) : undefined;
    for (const s of spellings ?? []) {
      if (s.flag.startsWith('--retain-') !== (which === 'retention')) continue;
      const want = reading(s.flag, s.spelling);
      if (s.config === want) continue;
      const got = s.config === null ? 'no value (refused, or not set)' : String(s.config);
      const units = s.flag.startsWith('--retain-') && s.flag !== '--retain-count' ? ' ms (500ms, 30s, 15m, 12h, 7d, or plain milliseconds): every spelling of a duration means the same' : ': the flag sets what its --help says, as given';
      out.push(violation(view.records, which, `squall ${s.command} ${s.flag} ${s.spelling} configured ${got}, but the README reads ${s.spelling} as ${want}${units}`, { index: r.index }));
    }
  }
  return out;
}
