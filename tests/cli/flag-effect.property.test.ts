/**
 * Every flag `squall coordinator`, `squall worker` and `squall submit`
 * accept changes what they run, or is refused as "has no effect", or is
 * listed as neutral with the README's reason (tests/cli/flag-effect.ts,
 * fast-check at a fixed seed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inertFlagFound } from './flag-effect.js';

const ENV = ['SQUALL_SECRET', 'SQUALL_SECRET_FILE', 'SQUALL_TOKEN', 'SQUALL_TOKEN_FILE', 'SQUALL_URL'] as const;
const saved = new Map<string, string | undefined>();

describe('no flag a command accepts is silently ignored', () => {
  beforeAll(() => {
    for (const k of ENV) saved.set(k, process.env[k]);
    for (const k of ENV) delete process.env[k];
  });
  afterAll(() => {
    for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
  });

  for (const command of ['coordinator', 'worker', 'submit'] as const) {
    it(`squall ${command}`, { timeout: 120_000 }, async () => {
      const r = await inertFlagFound(command, 34, 300);
      expect(r.found).toBeUndefined();
      expect(r.accepted).toBeGreaterThan(30);
      expect(r.refused).toBeGreaterThan(10);
    });
  }
});
