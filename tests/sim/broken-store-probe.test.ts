/**
 * Blind set 13 #21 as a broken variant: the start-up integrity check reads the
 * SQLite page size without its special encoding (1 means 65536), planted by
 * mocking system/store/integrity.ts for one run (a switch, off by default).
 * sqlite-crash-restart runs the store probe (harness/scenario/store-probe.ts):
 * it passes on the real check and fails promise 7 with the broken one.
 * Set 17 #18: a check that tolerates one missing page (`size < pageSize *
 * (pages - 1)`) lets the copies cut by a byte up to a page through, and a
 * one-page database cut short.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { simVerdict } from './broken/verdict.js';
import type * as Integrity from '../../system/store/integrity.js';

const plant = vi.hoisted(() => ({ broken: false, pageMissing: false }));

/** The header's raw page-size field (offset 16). */
function rawPageSize(path: string): number | undefined {
  try {
    const fd = openSync(path, 'r');
    const buf = Buffer.alloc(100);
    const n = readSync(fd, buf, 0, 100, 0);
    closeSync(fd);
    return n >= 18 ? buf.readUInt16BE(16) : undefined;
  } catch {
    return undefined;
  }
}

vi.mock('../../system/store/integrity.js', async (importOriginal) => {
  const real = await importOriginal<typeof Integrity>();
  return {
    ...real,
    // Broken: a page size field of 1 read as 1 byte, so pages x 1 byte never exceeds the file: "not truncated".
    checkDatabaseFile: (path: string, init?: boolean) => (plant.broken && rawPageSize(path) === 1 ? 'sqlite' : onePageMissing(() => real.checkDatabaseFile(path, init))),
  };
  // Broken (set 17 #18): a file short of its header's size by up to one page is let through.
  function onePageMissing(check: () => ReturnType<typeof real.checkDatabaseFile>): ReturnType<typeof real.checkDatabaseFile> {
    try {
      return check();
    } catch (err) {
      const m = /truncated: (\d+) bytes, but its header says (\d+) pages of (\d+) bytes/.exec(String(err));
      if (!plant.pageMissing || m === null) throw err;
      const [size, pages, pageSize] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (pages > 1 && size < pageSize * (pages - 1)) throw err;
      return 'sqlite';
    }
  }
});

describe('blind set 13 #21: the integrity check and 64 KiB pages', () => {
  it('sqlite-crash-restart: a truncated 64 KiB-page store let through by the start-up check (durability)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/sqlite-crash-restart.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    plant.broken = true;
    try {
      const broken = await simVerdict(scenario);
      expect(broken.passed).toBe(false);
      expect(broken.promises).toContain('durability');
      expect(broken.text).toMatch(/(the store opened|the start-up check let through .*) a database truncated to 196608 of its 393216 bytes \(196608 bytes short; pages of 65536 bytes, which the header encodes as 1/);
    } finally {
      plant.broken = false;
    }
  });

  it('sqlite-crash-restart: a store short by up to a page let through (set 17 #18, durability)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/sqlite-crash-restart.yaml');
    plant.pageMissing = true;
    try {
      const broken = await simVerdict(scenario);
      expect(broken.passed).toBe(false);
      expect(broken.promises).toEqual(['durability']);
      expect(broken.text).toMatch(/the store opened a database truncated to 40959 of its 40960 bytes \(1 bytes short; pages of 4096 bytes\)/);
      expect(broken.text).toMatch(/the store opened a database truncated to 2048 of its 4096 bytes/);
      expect(broken.text).not.toMatch(/truncated to 28672 of/);
    } finally {
      plant.pageMissing = false;
    }
  });
});
