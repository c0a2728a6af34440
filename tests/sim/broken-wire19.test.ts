/**
 * Blind set 19's misses #12, #19 and #20 as broken variants
 * (./broken/wire19-variants.ts; #20 by vi.mock below): each scenario passes
 * on the real system at seed 1 and fails under the promise named with the
 * defect planted. Their rules: promise 8's honest frames (non-ASCII and
 * envelope-shaped user data, harness/scenario/envelope-json.ts) and promise
 * 35's sample after a refused submission (harness/scenario/refusal-watch.ts,
 * tests/check/held-memory.test.ts).
 */
import { describe, expect, it, vi } from 'vitest';
import type * as Codec from '../../system/protocol/codec.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { engineFactoryOf } from './broken/variants.js';
import { simVerdict } from './broken/verdict.js';
import { firstTrailerOnly } from './broken/trailer-first.js';
import { RollbackKeepsDependentsEngine, withLatin1Text } from './broken/wire19-variants.js';

const state = vi.hoisted(() => ({ firstTrailer: false }));

// Set 19 #20: the integrity trailer looked for at the first `,"crc":"` / `,"sig":"` of the frame, on both sides.
vi.mock('../../system/protocol/codec.js', async (importOriginal) => {
  const real = await importOriginal<typeof Codec>();
  const { firstTrailerOnly: mangle } = await import('./broken/trailer-first.js');
  const decodeToCoordinator: typeof real.decodeToCoordinator = (frame, ...rest) => real.decodeToCoordinator(state.firstTrailer ? mangle(frame) : frame, ...rest);
  const decodeToWorker: typeof real.decodeToWorker = (frame, ...rest) => real.decodeToWorker(state.firstTrailer ? mangle(frame) : frame, ...rest);
  return { ...real, decodeToCoordinator, decodeToWorker };
});

describe('blind set 19: text frames, envelope-shaped data, rolled-back submissions', () => {
  it('the trailer emulation: an earlier member named like the trailer hides the real one', () => {
    expect(firstTrailerOnly('{"type":"ping","crc":"0badc0de"}')).toBe('{"type":"ping","crc":"0badc0de"}');
    expect(firstTrailerOnly('{"p":{"a":1,"crc":"x"},"crc":"0badc0de"}')).toBe('{"p":{"a":1,"crc":"x"},"crc_":"0badc0de"}');
  });

  it('awkward-data: text frames decoded as Latin-1 (auth: an honest frame refused; set 19 #19)', { timeout: 90_000 }, async () => {
    const scenario = await loadScenario('scenarios/awkward-data.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await withLatin1Text(() => simVerdict(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('auth');
    expect(broken.text).toMatch(/refused a frame from the (coordinator|worker \S+) with 4400 .*failed its integrity check.*an honest frame refused as damaged/);
  });

  it('awkward-data: the trailer taken at the first ,"crc":" of the frame (auth; set 19 #20)', { timeout: 90_000 }, async () => {
    const scenario = await loadScenario('scenarios/awkward-data.yaml');
    state.firstTrailer = true;
    try {
      const broken = await simVerdict(scenario);
      expect(broken.passed).toBe(false);
      expect(broken.promises).toContain('auth');
      expect(broken.text).toMatch(/has no integrity check: "crc" must be its last member\), though the link corrupted no frame/);
    } finally {
      state.firstTrailer = false;
    }
  });

  it('flaky-disk: a rolled-back submission left in its dependencies\' dependents lists (hygiene; set 19 #12)', { timeout: 90_000 }, async () => {
    const scenario = await loadScenario('scenarios/flaky-disk.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await simVerdict(scenario, { engineFactory: engineFactoryOf(RollbackKeepsDependentsEngine) });
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('hygiene');
    expect(broken.text).toMatch(/right after a submission was refused at t=\d+ \(its store commit failed\), engine\.dependents \(\d+ entries\) still holds ex_\w+, an execution the engine does not know/);
  });
});
