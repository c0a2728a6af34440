/**
 * A deployment probe for runs on the SQLite store (blind set 13 #21): before
 * the coordinator starts, the harness builds a database with the largest page
 * size SQLite has (65536 bytes, which its header encodes as 1), truncates it
 * at a page boundary as a torn copy or a full disk would, and opens it the way the
 * coordinator opens its store (SqliteStore.open, which checks the file before
 * SQLite touches it: system/store/integrity.ts). It must be refused; the
 * outcome is a `store-probe` note for promise 7 (harness/check/promises-store-probe.ts).
 * The truncated file's bytes are built once per process (a few ms of SQLite
 * work); each run writes them to a fresh temp file, so a run whose broken
 * check lets SQLite open (and perhaps rewrite) its copy cannot change the
 * next run's probe.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../system/store/index.js';
import type { HistoryRecorder } from '../check/history.js';

const PAGE_SIZE = 65_536;

interface TruncatedImage {
  /** The database's size before it was cut. */
  fullBytes: number;
  /** Its first two pages. */
  bytes: Buffer;
}

let image: TruncatedImage | undefined;

/** A 64 KiB-page database of a few pages, cut to two whole pages: built on first use, then reused. */
function truncatedImage(): TruncatedImage {
  if (image !== undefined) return image;
  const dir = mkdtempSync(join(tmpdir(), 'squall-store-image-'));
  try {
    const file = join(dir, 'squall.db');
    const db = new Database(file);
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.exec("CREATE TABLE filler (x TEXT); INSERT INTO filler SELECT printf('%.60000c', 'x') FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3)");
    db.close();
    const fullBytes = statSync(file).size;
    truncateSync(file, 2 * PAGE_SIZE);
    image = { fullBytes, bytes: readFileSync(file) };
    return image;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the truncated database to a fresh file and opens it as the coordinator would; records whether it was refused. */
export function probeTruncatedStore(recorder: HistoryRecorder): void {
  const { fullBytes: full, bytes } = truncatedImage();
  const dir = mkdtempSync(join(tmpdir(), 'squall-store-probe-'));
  try {
    const file = join(dir, 'squall.db');
    writeFileSync(file, bytes);
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
