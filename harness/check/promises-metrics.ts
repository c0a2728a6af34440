/**
 * Part of 29, api-contract: GET /metrics counts what happened, and reading
 * it is not an event (scenario `clientReads` read `metrics`,
 * harness/scenario/client-reads.ts). The message counters
 * (squall_messages_total, by type and direction):
 *
 * - two scrapes at one instant (nothing happened in between) read the same
 *   value for every series: a scrape that adds its pending tallies again
 *   without clearing them counts each message once per scrape (blind set
 *   11 #13);
 * - a series never goes down between two scrapes of one coordinator
 *   incarnation (a restart starts every counter again).
 */
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** What a scrape note holds: the counters of two scrapes at one instant. */
interface Scrape {
  incarnation: number;
  first: Record<string, number>;
  second: Record<string, number>;
}

const isScrape = (v: unknown): v is Scrape => typeof v === 'object' && v !== null && 'first' in v && 'second' in v && 'incarnation' in v;

/** Every scrape pair judged, and consecutive scrapes of one incarnation. */
export function checkMetricsScrapes(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  let last: { rec: HistoryRecord; scrape: Scrape } | undefined;
  for (const rec of view.records) {
    if (rec.f !== 'note' || !isScrape(rec.value.metricsScrape)) continue;
    const scrape = rec.value.metricsScrape;
    const v = (message: string): Violation => violation(view.records, 'api-contract', `GET /metrics at t=${rec.time}: ${message}`, { index: rec.index });
    for (const key of new Set([...Object.keys(scrape.first), ...Object.keys(scrape.second)])) {
      const [a, b] = [scrape.first[key] ?? 0, scrape.second[key] ?? 0];
      if (a !== b) out.push(v(`squall_messages_total{${key}} read ${a}, then ${b} at the same instant: a scrape must not count anything`));
    }
    if (last !== undefined && last.scrape.incarnation === scrape.incarnation) {
      for (const [key, before] of Object.entries(last.scrape.second)) {
        const now = scrape.first[key] ?? 0;
        if (now < before) out.push(v(`squall_messages_total{${key}} went down from ${before} (t=${last.rec.time}) to ${now} with no coordinator restart: a counter never decreases`));
      }
    }
    last = { rec, scrape };
  }
  return out;
}
