/**
 * Session 35 (gaps35b): a tokens.json with malformed entries (a stored hash
 * truncated, not hex, too long; harness/scenario/token-file-probe.ts, on
 * adversarial-clients' token administrator's first step): each such token
 * is refused 401 and each entry reported at load (promise 8,
 * harness/check/promises-token-file.ts). Broken variants, injected by
 * vi.mock of system/coordinator/token-file.ts, at seed 1 where the real
 * store passes:
 *
 * - a store that leaves a bad entry out silently (no report): the operator
 *   never learns why the token stopped working;
 * - the store squall had before: one bad entry makes the whole file
 *   unreadable, so every token lookup throws (every token, good ones too,
 *   refused with a malformed-file error instead of 401) and nothing names
 *   the entry.
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as TokenFileModule from '../../system/coordinator/token-file.js';
import { ErrorCode, SquallError } from '../../system/core/errors.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ silent: false, wholeFile: false }));

vi.mock('../../system/coordinator/token-file.js', async (importOriginal) => {
  const real = await importOriginal<typeof TokenFileModule>();
  const fileTokenStore: typeof real.fileTokenStore = (dataDir, onBadEntry) => {
    let bad = false;
    const store = real.fileTokenStore(dataDir, (path, entry) => {
      bad = true;
      // Broken (both): the bad entry is not reported.
      if (!plant.silent && !plant.wholeFile) onBadEntry?.(path, entry);
    });
    return {
      ...store,
      path: store.path,
      find: (id) => {
        const r = store.find(id);
        // Broken: one bad entry makes the whole file unreadable.
        if (plant.wholeFile && bad) throw new SquallError(ErrorCode.Malformed, `token file ${store.path} is malformed: a SHA-256 hash is 64 lowercase hex digits at "tokens.4.hash"`);
        return r;
      },
    };
  };
  return { ...real, fileTokenStore };
});

describe('8 auth: a malformed tokens.json entry refuses its token 401 and is reported at load', () => {
  it('adversarial-clients passes; a store that says nothing, and one that refuses the whole file, fail promise 8', { timeout: 120_000 }, async () => {
    const s = await loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'adversarial-clients.yaml'));
    expect((await simVerdict(s)).text).toBe('');
    const silent = await withPlanted(flagOn(plant, 'silent'), () => simVerdict(s));
    expect(silent.promises).toEqual(['auth']);
    expect(silent.text).toMatch(/token [0-9a-f]{16}, whose tokens.json entry has a truncated hash \(written at t=\d+\), was never reported by the coordinator at the token file's load/);
    const whole = await withPlanted(flagOn(plant, 'wholeFile'), () => simVerdict(s));
    expect(whole.promises).toContain('auth');
    expect(whole.text).toMatch(/token [0-9a-f]{16}, whose tokens.json entry has a non-hex hash \(written at t=\d+\), was answered (?!401)\d+/);
  });
});
