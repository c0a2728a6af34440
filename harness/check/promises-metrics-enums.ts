/**
 * Part of 29, api-contract: a /metrics gauge whose value encodes a state
 * (an enum) reads, decoded by the encoding its help text documents, the
 * state that is true at the scrape. The checker holds its own copy of each
 * encoding (ENUM_GAUGES, written from the help texts and the README, never
 * read from the system) and judges each gauge read (scenario `clientReads`
 * read `gauges`, harness/scenario/client-gauges.ts: a scrape next to
 * GET /api/v1/stats at one instant):
 *
 * - the family's HELP line still documents the checker's encoding;
 * - every value is one the encoding has;
 * - the state each value decodes to is the one GET /api/v1/stats names at
 *   the same instant (`breakers`, by name) and, when the scenario configures
 *   the breaker, the one promise 28's replay of the breaker's decisions
 *   (promises-breaker.ts breakerStatesAt) gives at the read (blind set 15
 *   #13: open exported as 1 and half-open as 2, swapped against the help).
 */
import type { CheckContext } from './context.js';
import { breakerStatesAt } from './promises-breaker.js';
import { type GaugeRead, judgeGaugeReads } from './promises-metrics-gauges.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';

/** An enum gauge: its label, its value -> state table, and the help text that documents it. */
interface EnumGauge {
  label: string;
  states: Readonly<Record<number, string>>;
  help: string;
}

/** The documented encodings (the help text is the documentation a dashboard author reads). */
const ENUM_GAUGES: Readonly<Record<string, EnumGauge>> = {
  squall_breaker_state: { label: 'kind', states: { 0: 'closed', 1: 'half-open', 2: 'open' }, help: 'Circuit breaker state per task kind: 0 closed, 1 half-open, 2 open.' },
};

/** Each gauge read's enum gauges judged (see the file comment). */
export function checkEnumGauges(view: HistoryView, ctx: CheckContext): Violation[] {
  const replay = breakerStatesAt(view, ctx);
  return judgeGaugeReads(view, (read, rec) => {
    const replayed = replay === undefined || read.now === undefined ? undefined : replay(rec.index, read.now);
    return [...helpMismatches(read), ...breakerMismatches(read, replayed)];
  });
}

function helpMismatches(read: GaugeRead): string[] {
  const out: string[] = [];
  for (const [family, help] of Object.entries(read.help ?? {})) {
    const want = ENUM_GAUGES[family]?.help;
    if (want !== undefined && help !== want) out.push(`${family}'s help reads ${JSON.stringify(help)}, but its documented encoding is ${JSON.stringify(want)}`);
  }
  return out;
}

/** squall_breaker_state decoded, against the stats' breakers and the replay. */
function breakerMismatches(read: GaugeRead, replayed: Map<string, string> | undefined): string[] {
  const e = ENUM_GAUGES.squall_breaker_state as EnumGauge;
  const samples = read.gauges.squall_breaker_state;
  if (samples === undefined) return [];
  const out: string[] = [];
  const kinds = new Set([...Object.keys(samples).map((k) => k.replace(`${e.label}=`, '')), ...Object.keys(read.breakers ?? {})]);
  for (const kind of kinds) {
    const value = samples[`${e.label}=${kind}`];
    const decoded = value === undefined ? undefined : e.states[value];
    const shown = `squall_breaker_state{kind="${kind}"} is ${value ?? 'absent'}${decoded === undefined ? '' : ` (${decoded} by its help text)`}`;
    if (value !== undefined && decoded === undefined) {
      out.push(`${shown}: not a value the help text documents (${e.help})`);
      continue;
    }
    const stats = read.breakers?.[kind];
    if (stats !== undefined && decoded !== stats) out.push(`${shown}, but GET /api/v1/stats shows the ${kind} breaker ${stats} at the same instant`);
    const truth = replayed === undefined ? undefined : (replayed.get(kind) ?? 'closed');
    if (truth !== undefined && decoded !== undefined && decoded !== truth) out.push(`${shown}, but the coordinator's decisions so far leave the ${kind} breaker ${truth}`);
  }
  return out;
}
