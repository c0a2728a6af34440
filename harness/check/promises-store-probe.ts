/**
 * Promise 7 (durability), a truncated store is refused at start (blind set 13
 * #21): the harness's store probe (harness/scenario/store-probe.ts) opens a
 * database of 64 KiB pages cut short mid-page as the coordinator opens its
 * store; it must be refused by the start-up check, naming the truncation
 * (starting on it drops committed executions, or fails later as 'database
 * disk image is malformed').
 */
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** 7. The store probe's truncated database was refused. */
export function checkStoreProbe(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const r of view.records) {
    if (r.process !== 'store-probe' || r.value.probe !== 'truncated-store' || /is truncated/.test(String(r.value.refused))) continue;
    out.push(
      violation(view.records, 'durability', `${r.value.refused === null ? 'the store opened' : `the start-up check let through (SQLite refused it later: ${String(r.value.refused).slice(0, 120)})`} a database truncated to ${String(r.value.truncatedTo)} of its ${String(r.value.fullBytes)} bytes (pages of ${String(r.value.pageSize)} bytes, which the header encodes as 1): a truncated store must be refused at start, not started on with committed executions missing`, {
        index: r.index,
      }),
    );
  }
  return out;
}
