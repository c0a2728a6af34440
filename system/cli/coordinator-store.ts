/**
 * Opening the coordinator's store from CLI flags: SQLite in --data-dir with
 * the exclusive lock (one coordinator per data dir) and the integrity check
 * (--init to accept an empty file), its connection and commits in a worker
 * thread so the event loop goes on while a group commits (sqlite-store.ts;
 * --no-store-thread keeps it in the event loop's thread), or memory; wrapped in a FaultyStore when
 * SQUALL_STORE_FAULTS names a control file (live storage-fault tests). Logs
 * where the store is; recoveredSummary() tells what was recovered.
 */
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { type Clock, systemClock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { cryptoRandom } from '../core/random.js';
import { fileFaultSource, STORE_FAULTS_ENV } from '../store/fault-control.js';
import { FaultyStore } from '../store/faulty-store.js';
import { envSetting } from './env.js';
import { openStore, SQLITE_FILE_NAME, SqliteStore, type SqliteStoreOptions, type Store } from '../store/index.js';

/** The flags this reads. */
export interface StoreFlags {
  store?: string;
  dataDir?: string;
  init?: boolean;
  /** false (--no-store-thread): SQLite in the event loop's thread. Default: its own worker thread. */
  storeThread?: boolean;
}

/**
 * The options `squall coordinator` opens SQLite with: the exclusive lock (one
 * coordinator per data dir), --init, the store's thread. The simulation opens
 * its SQLite store with them too (harness/sim/sim-sqlite-store.ts).
 */
export function sqliteStoreOptions(flags: StoreFlags): SqliteStoreOptions {
  return { exclusive: true, init: flags.init === true, thread: flags.storeThread !== false };
}

/**
 * Opens the store the flags select; throws a SquallError naming the file when
 * it must not be used. `clock` times the control file's re-reads (the
 * deployment probes give theirs, harness/scenario/deploy-probe-files.ts).
 */
export function openCoordinatorStore(flags: StoreFlags, logger: Logger, env: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock): { store: Store; where: string } {
  if (flags.store !== undefined && flags.store !== 'memory' && flags.store !== 'sqlite') {
    throw new Error(`--store must be "sqlite" or "memory", got "${flags.store}"`);
  }
  if (flags.store === 'memory' && flags.dataDir !== undefined) {
    throw new Error('--data-dir and --store memory exclude each other: the memory store keeps no files');
  }
  const where = flags.store === 'memory' ? 'memory' : resolve(flags.dataDir ?? '.squall-data', SQLITE_FILE_NAME);
  let store =
    flags.store === 'memory'
      ? openStore({ kind: 'memory' })
      : openStore({ kind: 'sqlite', dataDir: flags.dataDir ?? '.squall-data', ...sqliteStoreOptions(flags) });
  const thread = store instanceof SqliteStore ? store.threaded : undefined;
  const control = envSetting(env, STORE_FAULTS_ENV);
  if (control !== undefined) {
    logger.warn({ control }, `${STORE_FAULTS_ENV} is set: store writes follow the injected fault mode in that file (testing only)`);
    store = new FaultyStore(store, clock, cryptoRandom, fileFaultSource(control, clock));
  }
  logger.info({ store: where, thread }, 'store opened');
  return { store, where };
}

/** "completed=3 running=1 ...": executions by status, for the startup log. */
export function recoveredSummary(byStatus: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(byStatus).filter(([, n]) => n > 0));
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration flag's grammar: plain decimal digits, then optionally one unit (no blanks, sign, exponent or fraction). */
const DURATION_GRAMMAR = /^([0-9]+)(ms|s|m|h|d)?$/;

/** Commander parser for a duration flag: "500ms", "30s", "15m", "12h", "7d" or plain milliseconds. */
export function durationOption(name: string) {
  return (value: string): number => {
    const m = DURATION_GRAMMAR.exec(value);
    const n = m === null ? NaN : Number(m[1]) * (UNITS[m[2] ?? 'ms'] ?? NaN);
    if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive duration like 500ms, 30s, 15m, 12h or 7d, got "${value}"`);
    return n;
  };
}
