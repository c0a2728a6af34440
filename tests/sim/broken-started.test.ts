/**
 * Promise 11 sees every start (harness/check/promises-started.ts): a result
 * decoder that drops `started: true` (the start folded into the result of a
 * short task) leaves attempts that were never running on the coordinator.
 * The defect is planted in what the codec imports from fast-decode.ts, by a
 * module mock local to this file.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as FastDecode from '../../system/protocol/fast-decode.js';
import { simVerdict } from './broken/verdict.js';

const state = vi.hoisted(() => ({ broken: false }));

vi.mock('../../system/protocol/fast-decode.js', async (importOriginal) => {
  const real = await importOriginal<typeof FastDecode>();
  const taskFastPath: typeof real.taskFastPath = (obj, frame) => {
    const msg = real.taskFastPath(obj, frame);
    if (!state.broken || msg?.type !== 'result' || msg.started === undefined) return msg;
    const { started: _dropped, ...rest } = msg;
    return rest;
  };
  return { ...real, taskFastPath };
});

describe('starts folded into results reach the engine', () => {
  it('engine-features passes, and a decoder that drops started: true is caught', async () => {
    const scenario = await loadScenario('scenarios/engine-features.yaml');
    const real = await simVerdict(scenario);
    expect(real.text).toBe('');
    state.broken = true;
    try {
      const v = await simVerdict(scenario);
      expect(v.promises).toContain('delivery');
      expect(v.text).toMatch(/started attempt \d+ of \S+ \(lease \S+\) and its result was recorded at t=\d+, but the coordinator never saw the start/);
    } finally {
      state.broken = false;
    }
  });
});
