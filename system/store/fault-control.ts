/**
 * Live storage faults for tests: a coordinator started with
 * SQUALL_STORE_FAULTS=<file> wraps its store in a FaultyStore whose mode is
 * the file's content, re-read (at most every 50 ms) before writes, so a test
 * can fill the disk, break it or slow it down and heal it while the process
 * runs. Content (one line): `ok` (or empty / no file), `disk_full`,
 * `disk_error [probability]`, `slow_disk <minMs> [maxMs]`.
 */
import { readFileSync } from 'node:fs';
import type { Clock } from '../core/clock.js';
import { InvalidArgumentError } from '../core/errors.js';
import { validateFaultMode, type StoreFaultMode, type StoreFaultSource } from './faulty-store.js';

/** The environment variable naming the control file. */
export const STORE_FAULTS_ENV = 'SQUALL_STORE_FAULTS';

/** Parses one control line; throws naming what is wrong. */
function parseFaultMode(text: string): StoreFaultMode {
  const [type = 'ok', a, b] = text.trim().split(/\s+/);
  const num = (v: string | undefined, what: string, dflt: number): number => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`${STORE_FAULTS_ENV}: ${what} must be a number, got "${v}"`, what);
    return n;
  };
  switch (type) {
    case '':
    case 'ok':
      return { type: 'ok' };
    case 'disk_full':
      return { type: 'disk_full' };
    case 'disk_error':
      return validateFaultMode({ type: 'disk_error', probability: num(a, 'probability', 1) });
    case 'slow_disk': {
      const minMs = num(a, 'minMs', 100);
      return validateFaultMode({ type: 'slow_disk', minMs, maxMs: num(b, 'maxMs', minMs) });
    }
    default:
      throw new InvalidArgumentError(`${STORE_FAULTS_ENV}: unknown mode "${type}"; expected ok, disk_full, disk_error [p], slow_disk <minMs> [maxMs]`, 'mode');
  }
}

/** A fault source reading `path` (missing file: ok), cached for 50 ms of `clock` time. */
export function fileFaultSource(path: string, clock: Clock): StoreFaultSource {
  let cached: { at: number; mode: StoreFaultMode } | undefined;
  return () => {
    const now = clock.monotonic();
    if (cached !== undefined && now - cached.at < 50) return cached.mode;
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      text = '';
    }
    let mode: StoreFaultMode;
    try {
      mode = parseFaultMode(text);
    } catch {
      mode = { type: 'disk_error', probability: 1 };
    }
    cached = { at: now, mode };
    return mode;
  };
}
