/**
 * Pinned regressions: every artifact under scenarios/regressions/ is a seed
 * (and swarm schedule) that once broke a promise. Each is replayed in
 * simulation and must pass now. The trace hash is not compared: it changes
 * with any change to the system's code; the verdict is what is pinned.
 * To pin a new failure: copy its artifact (artifacts/<name>-seed-<n>.json)
 * here as seed-<n>-<what>.json, with a "note" saying what it found. An
 * artifact of a BUGGIFY run (`buggify: true`) replays with BUGGIFY on.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatViolation } from '../../harness/check/index.js';
import { readArtifact } from '../../harness/scenario/artifact.js';
import { runChecked } from '../../harness/scenario/run.js';

const dir = join(import.meta.dirname, '../../scenarios/regressions');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('pinned regression seeds', () => {
  it('has at least one pinned regression', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const file of files) {
    it(`${file} passes every promise`, { timeout: 180_000 }, async () => {
      const artifact = await readArtifact(join(dir, file));
      // A failure found under BUGGIFY replays under BUGGIFY: its injected delays are part of the schedule.
      const run = await runChecked(artifact.scenario, { seed: artifact.seed, swarm: artifact.swarm, ...(artifact.buggify === true ? { buggify: true } : {}) });
      expect(run.violations.map(formatViolation)).toEqual([]);
      expect(run.slo.passed).toBe(true);
      expect(run.outcome.seed).toBe(artifact.seed);
    });
  }
});
