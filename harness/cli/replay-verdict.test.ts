import { describe, expect, it } from 'vitest';
import { readArtifact } from '../scenario/artifact.js';
import { REPLAY_EXIT, replayVerdict } from './replay-verdict.js';

const PINNED = 'scenarios/regressions/seed-1-mixed-chaos-corrupted-seq.json';

describe('replayVerdict', () => {
  it('a committed regression whose defect was fixed: plain words and exit 4, not a broken replay', async () => {
    const artifact = await readArtifact(PINNED);
    expect(artifact.passed).toBe(false);
    const v = replayVerdict(artifact, { passed: true, violations: [], outcome: { traceHash: 'another' } });
    expect(v.code).toBe(REPLAY_EXIT.fixed);
    expect(v.message).toMatch(/^pinned regression: the original defect \(promise \d+ \w+: .+\) no longer reproduces; the run passes — this is expected for a fixed defect\./);
  });

  it('tells reproduced, failing and broken replays apart', async () => {
    const artifact = await readArtifact(PINNED);
    const same = { traceHash: artifact.traceHash };
    expect(replayVerdict(artifact, { passed: false, violations: artifact.violations as never, outcome: same }).code).toBe(REPLAY_EXIT.fails);
    const passing = { ...artifact, passed: true, violations: [] };
    expect(replayVerdict(passing, { passed: true, violations: [], outcome: same }).code).toBe(REPLAY_EXIT.reproducedPass);
    const broken = replayVerdict(passing, { passed: true, violations: [], outcome: { traceHash: 'different' } });
    expect(broken.code).toBe(REPLAY_EXIT.broken);
    expect(broken.message).toMatch(/^NOT reproduced: trace differs/);
    expect(replayVerdict(passing, { passed: false, violations: [{} as never], outcome: { traceHash: 'x' } }).code).toBe(REPLAY_EXIT.fails);
  });
});
