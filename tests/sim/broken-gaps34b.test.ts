/**
 * Session 34's harness gaps (gaps34b), each injected through a seam and
 * caught by a promise, while the real system passes at the same seed:
 * - a coordinator that ignores --no-early-sync and offers the early sync
 *   anyway (resolveCoordinatorConfig wrapped) -> promise 11: the welcomes'
 *   offers are recorded as sent and judged against the coordinator's
 *   configuration (promises-early-sync.ts) on operator-flags-link, whose
 *   coordinator.args give --no-early-sync; before, the workers took the
 *   offer and nothing noticed.
 */
import { describe, expect, it, vi } from 'vitest';
import type * as CoordinatorConfig from '../../system/coordinator/config.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ alwaysEarlySync: false }));

vi.mock('../../system/coordinator/config.js', async (importOriginal) => {
  const real = await importOriginal<typeof CoordinatorConfig>();
  return {
    ...real,
    // Broken: the early sync is offered whatever the operator said.
    resolveCoordinatorConfig: (config: Parameters<typeof real.resolveCoordinatorConfig>[0] = {}) =>
      real.resolveCoordinatorConfig(plant.alwaysEarlySync ? { ...config, earlySync: true } : config),
  };
});

describe('session 34 (gaps34b): harness gaps', () => {
  it('a coordinator offering the early sync with --no-early-sync is judged by promise 11', { timeout: 60_000 }, async () => {
    const s = await loadScenario('scenarios/operator-flags-link.yaml');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await withPlanted(flagOn(plant, 'alwaysEarlySync'), () => simVerdict(s));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toEqual(['delivery']);
    expect(broken.text).toMatch(/coordinator's welcome to w\d at t=\d+ offered the early sync, but the coordinator was configured not to \(--no-early-sync\)/);
  });
});
