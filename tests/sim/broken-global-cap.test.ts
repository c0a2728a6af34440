/**
 * The engine's global in-flight limit (coordinator.maxConcurrency; promise
 * 26): scenarios/global-cap.yaml passes on the real engine, and an admission
 * check that lets one more through (blind set-5 07) is caught under capacity.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { AdmitsOneMoreEngine } from './broken/engine-variants.js';
import { engineFactoryOf } from './broken/variants.js';
import { simVerdict } from './broken/verdict.js';

const FILE = 'scenarios/global-cap.yaml';

describe('global-cap: never more executions in flight than maxConcurrency', () => {
  it('passes on the real engine', async () => {
    expect((await simVerdict(await loadScenario(FILE))).text).toBe('');
  });

  it('catches an admission check that lets one more through', async () => {
    const v = await simVerdict(await loadScenario(FILE), { engineFactory: engineFactoryOf(AdmitsOneMoreEngine) });
    expect(v.promises).toEqual(['capacity']);
    expect(v.text).toMatch(/while 5 execution\(s\) were already in flight, the engine's maxConcurrency 5/);
  });
});
