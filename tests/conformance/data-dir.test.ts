/**
 * One owner per data dir, and integrity at start (issue 9 #3, #4): the
 * exclusive lock refuses a second owner at once naming the file and is
 * released by the OS on kill -9; empty, foreign and truncated files are
 * refused naming the file and what was found.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../system/store/sqlite-store.js';
import { makeExecutionRecord } from '../../system/store/testing.js';

const here = dirname(fileURLToPath(import.meta.url));
let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'squall-dd-'));
  file = join(dir, 'squall.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe.each([{ thread: false }, { thread: true }])('data dir lock (thread: $thread)', ({ thread }) => {
  it('a second exclusive open fails at once naming the file; closing releases it', async () => {
    const first = SqliteStore.open(file, { exclusive: true, thread });
    expect(() => SqliteStore.open(file, { exclusive: true, thread })).toThrow(new RegExp(`store ${file} is in use by another process`));
    await first.submit([makeExecutionRecord()]);
    await first.close();
    const second = SqliteStore.open(file, { exclusive: true, thread });
    expect(await second.loadAll()).toHaveLength(1);
    await second.close();
  });

  it('without the lock (the broken variant) a second owner opens the same file', async () => {
    const first = SqliteStore.open(file, { thread });
    const second = SqliteStore.open(file, { thread });
    await Promise.all([first.close(), second.close()]);
  });

  it('open() throws synchronously on a lock held by another thread of this process, before returning a store', () => {
    const first = SqliteStore.open(file, { exclusive: true, thread: true });
    let second: SqliteStore | undefined;
    expect(() => (second = SqliteStore.open(file, { exclusive: true, thread }))).toThrow(
      expect.objectContaining({ code: 'illegal_state', message: expect.stringMatching(/is in use by another process/) }),
    );
    expect(second).toBeUndefined();
    return first.close();
  });

  it('kill -9 of the owner releases the lock (it cannot go stale)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures', 'sqlite-holder.ts'), dir, String(thread)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
      child.once('exit', (code) => reject(new Error(`holder exited early (${code})`)));
    });
    expect(() => SqliteStore.open(file, { exclusive: true, thread })).toThrow(/in use by another process/);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const store = SqliteStore.open(file, { exclusive: true, thread });
    await store.close();
  });
});

describe.each([{ thread: false }, { thread: true }])('integrity at start (thread: $thread)', ({ thread }) => {
  it('refuses a zero-length file naming it, unless initialising', async () => {
    writeFileSync(file, '');
    expect(() => SqliteStore.open(file, { thread })).toThrow(new RegExp(`refusing to open store ${file}: the file is empty \\(0 bytes\\)`));
    const store = SqliteStore.open(file, { init: true, thread });
    expect(await store.loadAll()).toEqual([]);
    await store.close();
  });

  it('refuses a foreign file, even with init', () => {
    writeFileSync(file, 'hello, this is not a database at all, but it is long enough to have a header'.repeat(3));
    expect(() => SqliteStore.open(file, { init: true, thread })).toThrow(/is not a SQLite database \(\d+ bytes starting "hello, this is n"\)/);
  });

  it('refuses a truncated database, saying how long it is and should be', async () => {
    const store = SqliteStore.open(file, { thread });
    await store.submit(Array.from({ length: 300 }, () => makeExecutionRecord({ params: { pad: 'x'.repeat(500) } })));
    await store.close();
    const size = statSync(file).size;
    expect(readFileSync(file).subarray(0, 15).toString()).toBe('SQLite format 3');
    truncateSync(file, Math.floor(size / 2));
    expect(() => SqliteStore.open(file, { thread })).toThrow(/is truncated: \d+ bytes, but its header says \d+ pages/);
  });
});
