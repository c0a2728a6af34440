/**
 * Whatever `squall coordinator` and `squall worker` accept as they parse,
 * the process starts; whatever they refuse names a flag it was given
 * (tests/cli/flag-agreement.ts, fast-check at a fixed seed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagDisagreement } from './flag-agreement.js';

const SECRET_ENV = ['SQUALL_SECRET', 'SQUALL_SECRET_FILE'] as const;
const saved = new Map<string, string | undefined>();

describe('the commands refuse as they parse every flag combination their process would refuse', () => {
  beforeAll(() => {
    for (const k of SECRET_ENV) saved.set(k, process.env[k]);
    for (const k of SECRET_ENV) delete process.env[k];
  });
  afterAll(() => {
    for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
  });

  it('squall coordinator', { timeout: 120_000 }, async () => {
    const r = await flagDisagreement('coordinator', 33, 600);
    expect(r.found).toBeUndefined();
    expect(r.started).toBeGreaterThan(40);
    expect(r.refused).toBeGreaterThan(40);
  });

  it('squall worker', { timeout: 120_000 }, async () => {
    const r = await flagDisagreement('worker', 33, 600);
    expect(r.found).toBeUndefined();
    expect(r.started).toBeGreaterThan(40);
    expect(r.refused).toBeGreaterThan(40);
  });
});
