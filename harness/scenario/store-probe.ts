/**
 * A deployment probe for runs on the SQLite store (blind set 13 #21, set 17
 * #18): before the coordinator starts, the harness builds databases of a few
 * pages (SQLite's default 4096-byte pages, and the largest, 65536 bytes,
 * which its header encodes as 1) and a one-page database, cuts each short
 * by every kind of size a torn copy, a naive backup or a full disk leaves (1
 * byte, a sector, less than a page, a page less one byte, exactly a page, a
 * page and a byte, several pages, down to the header alone), and opens
 * each copy the way the coordinator opens its store (SqliteStore.open, which
 * checks the file before SQLite touches it: system/store/integrity.ts).
 * Every cut copy must be refused as truncated, and the uncut one must open
 * (its good neighbour: a check refusing everything refuses it). Each outcome
 * is a `store-probe` note for promise 7 (harness/check/promises-store-probe.ts).
 * The images are built once per process (a few ms of SQLite work); each
 * probe writes its copy to a fresh temp file, so a run whose broken check
 * lets SQLite open (and perhaps rewrite) a copy cannot change the next one.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../system/store/index.js';
import type { HistoryRecorder } from '../check/history.js';

/** One database image: its page size and its bytes, uncut. */
interface Image {
  pageSize: number;
  bytes: Buffer;
}

let images: Image[] | undefined;

/** A database of `pageSize` pages, with rows over several pages (`rows` of 3000 bytes), or one page when rows is 0. */
function buildImage(dir: string, pageSize: number, rows: number): Image {
  const file = join(dir, `squall-${pageSize}-${rows}.db`);
  const db = new Database(file);
  db.pragma(`page_size = ${pageSize}`);
  if (rows === 0) db.pragma('application_id = 1');
  else db.exec(`CREATE TABLE filler (x TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows}) INSERT INTO filler SELECT printf('%.3000c', 'x') FROM n`);
  db.close();
  return { pageSize, bytes: readFileSync(file) };
}

/** The images: 4 KiB pages (about 8 of them), 64 KiB pages (5), and a one-page database of 4 KiB. Built on first use. */
function databaseImages(): Image[] {
  if (images !== undefined) return images;
  const dir = mkdtempSync(join(tmpdir(), 'squall-store-image-'));
  try {
    images = [buildImage(dir, 4096, 8), buildImage(dir, 65_536, 80), buildImage(dir, 4096, 0)];
    return images;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The sizes each image is cut to: shorter by 1 byte, a sector, half a page, a page less 1, a page, a page and 1, 3 pages; a page and 100 bytes; the header alone. Deduplicated, all below the full size and at least the 100-byte header. */
export function truncations(fullBytes: number, pageSize: number): number[] {
  const shorter = [1, 512, pageSize / 2, pageSize - 1, pageSize, pageSize + 1, 3 * pageSize].map((cut) => fullBytes - cut);
  const sizes = [...shorter, pageSize + 100, 100].filter((s) => s >= 100 && s < fullBytes);
  return [...new Set(sizes)];
}

/** Writes `bytes` to a fresh file and opens it as the coordinator would; the refusal's message, or null when it opened. */
function openCopy(bytes: Buffer): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'squall-store-probe-'));
  try {
    const file = join(dir, 'squall.db');
    writeFileSync(file, bytes);
    try {
      void SqliteStore.open(file, { maxBatch: 1 }).close();
      return null;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Opens every image uncut and cut to each of its truncations; records each outcome. */
export function probeTruncatedStore(recorder: HistoryRecorder): void {
  for (const { pageSize, bytes } of databaseImages()) {
    const fullBytes = bytes.length;
    recorder.recordInfo({ probe: 'intact-store', pageSize, fullBytes, refused: openCopy(bytes) }, 'store-probe');
    for (const to of truncations(fullBytes, pageSize)) {
      recorder.recordInfo({ probe: 'truncated-store', pageSize, fullBytes, truncatedTo: to, refused: openCopy(bytes.subarray(0, to)) }, 'store-probe');
    }
  }
}
