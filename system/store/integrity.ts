/**
 * Integrity at start: before SQLite touches a database file, look at what is
 * there. A missing file is a new store. A zero-length file, a file that is
 * not SQLite, or one shorter than its own header says (truncated) is refused
 * with a message naming the file and what was found: starting an empty
 * coordinator over it would silently drop every acknowledged execution.
 * `init: true` (the CLI's --init) accepts an empty file as a new store; it
 * never overwrites a file that holds data.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { ErrorCode, SquallError } from '../core/errors.js';

/** What the pre-open check found. */
export type DatabaseFileState = 'missing' | 'empty' | 'sqlite';

const MAGIC = 'SQLite format 3\0';

function refuse(path: string, found: string, fix: string): SquallError {
  return new SquallError(ErrorCode.IllegalState, `refusing to open store ${path}: ${found}; ${fix}`, { path });
}

function readHeader(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(100);
    const n = readSync(fd, buf, 0, 100, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks the file at `path` before opening it; throws SquallError
 * illegal_state naming the file and what was found when it must not be used.
 */
export function checkDatabaseFile(path: string, init = false): DatabaseFileState {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw refuse(path, 'it is not a regular file', 'point --data-dir at a directory that holds a squall.db file');
    size = st.size;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return 'missing';
    throw err;
  }
  if (size === 0) {
    if (init) return 'empty';
    throw refuse(path, 'the file is empty (0 bytes), so every execution it held is gone', 'restore it from a backup, or pass --init to start a new, empty store in it');
  }
  const header = readHeader(path);
  if (header.length < 100 || header.subarray(0, 16).toString('latin1') !== MAGIC) {
    const shown = JSON.stringify(header.subarray(0, 16).toString('latin1').replace(/[^\x20-\x7e]/g, '.'));
    throw refuse(path, `it is not a SQLite database (${size} bytes starting ${shown})`, 'point --data-dir at the right directory or move the file away');
  }
  const raw = header.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  const pages = header.readUInt32BE(28);
  const valid = header.readUInt32BE(92) === header.readUInt32BE(24);
  if (valid && pages > 0 && size < pageSize * pages) {
    throw refuse(path, `it is truncated: ${size} bytes, but its header says ${pages} pages of ${pageSize} bytes (${pageSize * pages})`, 'restore it from a backup');
  }
  return 'sqlite';
}
