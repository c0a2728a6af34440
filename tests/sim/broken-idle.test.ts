/**
 * No idle capacity while work waits (promise 26, harness/check/promises-idle.ts):
 * the scenarios that reach each state pass on the real system and fail under
 * `capacity` with a defect from ./broken/idle-variants.ts planted.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { withStickyDrain } from './broken/idle-variants.js';
import { simVerdict } from './broken/verdict.js';

describe('idle capacity while work waits', () => {
  it('worker-features: a drained worker registers again (new process) and is given work', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/worker-features.yaml');
    const real = await simVerdict(scenario);
    expect(real.text).toBe('');
    const broken = await withStickyDrain(() => simVerdict(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('capacity');
    expect(broken.text).toMatch(/w\d was registered with free capacity .* not draining, no fault: ready work must be given to an idle worker/);
  });
});
