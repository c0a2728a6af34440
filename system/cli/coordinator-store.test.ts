/** The coordinator CLI's store: SQLite on its own thread unless --no-store-thread. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.js';
import { SqliteStore } from '../store/index.js';
import { openCoordinatorStore } from './coordinator-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'squall-cli-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openCoordinatorStore', () => {
  it.each([
    { storeThread: undefined, threaded: true },
    { storeThread: true, threaded: true },
    { storeThread: false, threaded: false },
  ])('storeThread $storeThread: connection in the worker thread = $threaded', async ({ storeThread, threaded }) => {
    const { store } = openCoordinatorStore({ dataDir: dir, storeThread }, silentLogger, {});
    expect(store).toBeInstanceOf(SqliteStore);
    expect((store as SqliteStore).threaded).toBe(threaded);
    await store.close();
  });
});
