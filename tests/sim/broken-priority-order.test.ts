/**
 * Priority order through a deep ready queue (issue 10): scenarios/priority-order.yaml
 * passes on the real system and fails under promise 21 with each heap mistake
 * of ./broken/heap-variants.ts swapped in (the rest of the system is real),
 * and with a recovery that indexes newest first (its round 4 waits across a
 * coordinator restart: first in, first out among equal priorities; set-4 04).
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type { Engine } from '../../system/engine/engine.js';
import { engineFactoryOf } from './broken/variants.js';
import { LeftOnlyHeapEngine, OneLevelHeapEngine, RightVsLeftHeapEngine } from './broken/heap-variants.js';
import { RecoveryReversesFifoEngine } from './broken/engine-variants.js';
import { simVerdict } from './broken/verdict.js';

const FILE = 'scenarios/priority-order.yaml';

const CASES: [string, typeof Engine][] = [
  ['sift-down compares the right child with the left', RightVsLeftHeapEngine],
  ['sift-down ignores the right child', LeftOnlyHeapEngine],
  ['sift-down stops after one level', OneLevelHeapEngine],
];

describe('priority-order: a deep ready queue drained one claim at a time', () => {
  it('passes on the real system', async () => {
    const v = await simVerdict(await loadScenario(FILE));
    expect(v.text).toBe('');
    expect(v.passed).toBe(true);
  });

  it.each(CASES)('%s: caught under priority', async (_name, cls) => {
    const v = await simVerdict(await loadScenario(FILE), { engineFactory: engineFactoryOf(cls) });
    expect(v.passed).toBe(false);
    expect(v.promises).toEqual(['priority']);
    expect(v.text).toMatch(/higher priority must go first/);
  });

  it('recovery that queues equal priorities newest first: caught under priority (FIFO)', async () => {
    const v = await simVerdict(await loadScenario(FILE), { engineFactory: engineFactoryOf(RecoveryReversesFifoEngine) });
    expect(v.promises).toEqual(['priority']);
    expect(v.text).toMatch(/waited ahead of it \(submitted at t=\d+ against t=\d+, ready since the recovery\): equal priorities go first in, first out/);
  });
});
