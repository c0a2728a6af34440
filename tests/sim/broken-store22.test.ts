/**
 * Blind set 22 #25: the SQLite store ignoring an option, planted through a
 * `vi.mock` of the module that opens its connection
 * (system/store/sqlite-exec.ts openStoreDb) and caught by the simulation
 * under promise 37 (the store contract probe's option read-back,
 * harness/scenario/store-options.ts), while the real store passes
 * awkward-data-sqlite at seed 1:
 * - #25 synchronous 'full' opened NORMAL;
 * - its class: busyTimeoutMs dropped (the default 5000 always).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as SqliteExec from '../../system/store/sqlite-exec.js';
import { simVerdict } from './broken/verdict.js';

const broken = vi.hoisted(() => ({ syncIgnored: false, busyIgnored: false }));

vi.mock('../../system/store/sqlite-exec.js', async (importOriginal) => {
  const real = await importOriginal<typeof SqliteExec>();
  return {
    ...real,
    openStoreDb: (path: string, options: Parameters<typeof real.openStoreDb>[1]) => {
      const { synchronous, busyTimeoutMs, ...rest } = options;
      return real.openStoreDb(path, { ...rest, ...(broken.syncIgnored || synchronous === undefined ? {} : { synchronous }), ...(broken.busyIgnored || busyTimeoutMs === undefined ? {} : { busyTimeoutMs }) });
    },
  };
});

afterEach(() => Object.assign(broken, { syncIgnored: false, busyIgnored: false }));

async function caught(variant: keyof typeof broken): Promise<string> {
  const scenario = await loadScenario('scenarios/awkward-data-sqlite.yaml');
  broken[variant] = true;
  const v = await simVerdict(scenario);
  expect(v.passed).toBe(false);
  expect(v.promises).toEqual(['store-contract']);
  return v.text;
}

describe('blind set 22: the SQLite store options have their documented effect', () => {
  it('the real store passes awkward-data-sqlite at seed 1', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await loadScenario('scenarios/awkward-data-sqlite.yaml'))).text).toBe('');
  });

  it('#25 synchronous full opened NORMAL (store-contract)', { timeout: 60_000 }, async () => {
    expect(await caught('syncIgnored')).toMatch(/a store opened with \{"synchronous":"full"\} reads PRAGMA synchronous = 1 on its connection, where the documented option gives 2/);
  });

  it("#25's class: busyTimeoutMs ignored (store-contract)", { timeout: 60_000 }, async () => {
    expect(await caught('busyIgnored')).toMatch(/a store opened with \{"busyTimeoutMs":250\} reads PRAGMA busy_timeout = 5000/);
  });
});
