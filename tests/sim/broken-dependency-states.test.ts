/**
 * Dependency states outside the live cascade (issue 10): dependents submitted
 * after their dependency ended, and a dependent recovered pending at a
 * restart (scenarios/dependency-states.yaml); and a checkpoint followed by a
 * non-terminal status change before a restart on the SQLite store
 * (scenarios/sqlite-crash-restart.yaml). The real system passes; each broken
 * variant is caught under the promise it breaks.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type { SimWiring } from '../../harness/sim/index.js';
import { OnlyFailedUnsuccessfulEngine, RecoveredOnlyFailedUnsuccessfulEngine } from './broken/dependency-variants.js';
import { engineFactoryOf } from './broken/variants.js';
import { simVerdict } from './broken/verdict.js';

async function run(file: string, wiring?: SimWiring, seed = 1) {
  return simVerdict(await loadScenario(`scenarios/${file}.yaml`), wiring, seed);
}

describe('dependencies that ended before their dependents were looked at', () => {
  it('dependency-states passes on the real system', { timeout: 60_000 }, async () => {
    const v = await run('dependency-states');
    expect(v.text).toBe('');
  });

  it('order: an engine counting only failed dependencies as unsuccessful leaves late dependents of timed-out and cancelled ones pending', { timeout: 60_000 }, async () => {
    const v = await run('dependency-states', { engineFactory: engineFactoryOf(OnlyFailedUnsuccessfulEngine) });
    expect(v.passed).toBe(false);
    expect(v.promises, v.text).toContain('order');
    expect(v.text).toMatch(/dependency \S+ ended timeout but this dependent ended pending/);
    expect(v.text).toMatch(/dependency \S+ ended cancelled but this dependent ended pending/);
  });

  it('order: the same mistake in recovery alone leaves a dependent recovered pending after a restart', { timeout: 60_000 }, async () => {
    const v = await run('dependency-states', { engineFactory: engineFactoryOf(RecoveredOnlyFailedUnsuccessfulEngine) });
    expect(v.passed).toBe(false);
    expect(v.promises, v.text).toEqual(['order']);
    expect(v.text).toMatch(/dependency \S+ ended (timeout|cancelled) but this dependent ended pending/);
  });
});
