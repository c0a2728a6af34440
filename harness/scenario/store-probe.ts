/**
 * A deployment probe for runs on the SQLite store (blind set 13 #21): before
 * the coordinator starts, the harness builds a database with the largest page
 * size SQLite has (65536 bytes, which its header encodes as 1), truncates it
 * at a page boundary as a torn copy or a full disk would, and opens it the way the
 * coordinator opens its store (SqliteStore.open, which checks the file before
 * SQLite touches it: system/store/integrity.ts). It must be refused; the
 * outcome is a `store-probe` note for promise 7 (harness/check/promises-store-probe.ts).
 * A few ms of synchronous file I/O in a temp directory, once per run.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../system/store/index.js';
import type { HistoryRecorder } from '../check/history.js';

const PAGE_SIZE = 65_536;

/** Builds a 64 KiB-page database of a few pages, truncates it to two whole pages, opens it; records whether it was refused. */
export function probeTruncatedStore(recorder: HistoryRecorder): void {
  const dir = mkdtempSync(join(tmpdir(), 'squall-store-probe-'));
  try {
    const file = join(dir, 'squall.db');
    const db = new Database(file);
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.exec("CREATE TABLE filler (x TEXT); INSERT INTO filler SELECT printf('%.60000c', 'x') FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3)");
    db.close();
    const full = statSync(file).size;
    truncateSync(file, 2 * PAGE_SIZE);
    let refused: string | null = null;
    try {
      void SqliteStore.open(file, { maxBatch: 1 }).close();
    } catch (err) {
      refused = err instanceof Error ? err.message : String(err);
    }
    recorder.recordInfo({ probe: 'truncated-store', pageSize: PAGE_SIZE, fullBytes: full, truncatedTo: 2 * PAGE_SIZE, refused }, 'store-probe');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
