/**
 * The committed baseline the README's `report compare` example uses is a
 * valid, passing simulation result of partition-heal at seed 1, and compares
 * clean with itself (regenerate: npm run report:baseline).
 */
import { describe, expect, it } from 'vitest';
import { compareCommand, loadRunResult } from '../../harness/report/compare.js';

const BASELINE = 'reports/baselines/partition-heal-seed-1';

describe('reports/baselines', () => {
  it('holds a passing partition-heal seed-1 simulation that compare accepts', async () => {
    const r = await loadRunResult(BASELINE);
    expect(r).toMatchObject({ kind: 'sim', scenario: 'partition-heal', seed: 1, passed: true });
    const { exitCode, text } = await compareCommand(BASELINE, `${BASELINE}/result.json`);
    expect(exitCode).toBe(0);
    expect(text).toContain('No regression.');
    expect(text).not.toContain('WARNING');
  });
});
