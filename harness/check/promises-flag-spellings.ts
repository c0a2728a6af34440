/**
 * Part of 30: a duration flag means the same however it is spelled (blind
 * set 19 #01: `--retain-sweep 500` swept every 500 s, `--retain-age
 * 3600000` kept executions ~41 days). The simulation gives `squall
 * coordinator` each duration flag of the scenario's command line in every
 * documented spelling of the same duration (plain milliseconds, `Nms`, and
 * each larger unit dividing it: `1000`, `1000ms`, `1s`) through the
 * command's own option builders (operator-args.ts durationSpellings, note
 * `flagSpellings`); each config must hold what this checker reads from the
 * spelling with the README's units (spec-tables.ts readDuration), never
 * the system's parser.
 */
import { readDuration } from './spec-tables.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** One spelling of a duration flag and the value the command's config took from it (note `flagSpellings`). */
export interface FlagSpelling {
  flag: string;
  spelling: string;
  /** The config's value built from the command line with this spelling (null: none, or the command refused it). */
  configMs: number | null;
}

/** 30. Every spelling of every duration flag the run's command line gives (see the file comment). */
export function checkFlagSpellings(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const r of view.records) {
    const spellings = r.f === 'note' ? (r.value.flagSpellings as FlagSpelling[] | undefined) : undefined;
    for (const s of spellings ?? []) {
      const want = readDuration(s.spelling);
      if (s.configMs === want) continue;
      const got = s.configMs === null ? 'no value (refused, or no policy)' : `${s.configMs} ms`;
      out.push(violation(view.records, 'retention', `squall coordinator ${s.flag} ${s.spelling} configured ${got}, but the README reads ${s.spelling} as ${want} ms (500ms, 30s, 15m, 12h, 7d, or plain milliseconds): every spelling of a duration means the same`, { index: r.index }));
    }
  }
  return out;
}
