/**
 * Promise 7 (durability), a truncated store is refused at start (blind set 13
 * #21, set 17 #18): the harness's store probe (harness/scenario/store-probe.ts)
 * opens databases of 4 KiB and 64 KiB pages, and one of a single page, cut
 * short by every size (1 byte, a sector, less than a page, exactly a page,
 * several pages, down to the header) as the coordinator opens its store.
 * Each cut copy must be refused by the start-up check, naming the truncation
 * (starting on it drops committed executions, or fails later as 'database
 * disk image is malformed'); the uncut database must open (a check that
 * refuses everything fails its own good neighbour).
 */
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** 7. Every truncated copy the store probe opened was refused as truncated; every intact one opened. */
export function checkStoreProbe(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const r of view.records) {
    if (r.process !== 'store-probe') continue;
    const v = r.value;
    if (v.probe === 'intact-store' && v.refused !== null) {
      out.push(violation(view.records, 'durability', `an intact database of ${String(v.fullBytes)} bytes (pages of ${String(v.pageSize)} bytes) was refused at start (${String(v.refused).slice(0, 160)}): only a damaged store may be refused`, { index: r.index }));
    }
    if (v.probe !== 'truncated-store' || /is truncated/.test(String(v.refused))) continue;
    const cut = Number(v.fullBytes) - Number(v.truncatedTo);
    out.push(
      violation(view.records, 'durability', `${v.refused === null ? 'the store opened' : `the start-up check let through (SQLite refused it later: ${String(v.refused).slice(0, 120)})`} a database truncated to ${String(v.truncatedTo)} of its ${String(v.fullBytes)} bytes (${cut} bytes short; pages of ${String(v.pageSize)} bytes${v.pageSize === 65536 ? ', which the header encodes as 1' : ''}): a truncated store must be refused at start, by any amount, not started on with committed executions missing`, {
        index: r.index,
      }),
    );
  }
  return out;
}
