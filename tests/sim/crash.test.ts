/**
 * A crash during a run is a failed run with its seed and artifact, not a dead
 * process (issue 10): an exception thrown inside the simulation, and an
 * unhandled rejection in a child process running the run as the CLI does.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeArtifact } from '../../harness/scenario/artifact.js';
import { parseScenario } from '../../harness/scenario/loader.js';
import { runChecked, toSimJson } from '../../harness/scenario/run.js';
import type { WorkerDeps } from '../../system/worker/worker-types.js';
import type { Worker } from '../../system/worker/worker.js';

const yaml = `name: throwing\ndescription: a worker timer throws\nfleet: { workers: 1, concurrency: 1 }\nworkload:\n  items: [{ kind: echo, count: 4, ratePerSec: 4, params: { value: 1 } }]\nphases: { faultsMs: 1000, healMs: 2000 }\n`;

describe('a crash during a run', () => {
  it('an exception inside the simulation is a failed run with seed, schedule and crash in the artifact', async () => {
    const onWorker = (_id: string, w: Worker): void => {
      const deps = (w as unknown as { deps: WorkerDeps }).deps;
      deps.clock.setTimeout(() => {
        throw new Error('boom: thrown in a worker timer');
      }, 300);
    };
    const run = await runChecked(parseScenario(yaml, 'throwing.yaml'), { seed: 5, wiring: { onWorker } });
    expect(run.passed).toBe(false);
    expect(run.crash).toMatchObject({ origin: 'exception', message: expect.stringMatching(/boom: thrown in a worker timer/) });
    expect(toSimJson(run)).toMatchObject({ seed: 5, passed: false, crash: { origin: 'exception' } });
    expect(makeArtifact(run)).toMatchObject({ seed: 5, passed: false, crash: { message: expect.stringMatching(/boom/) } });
  });

  it('an unhandled rejection still prints the verdict and writes the artifact', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-crash-'));
    try {
      const artifact = join(dir, 'a.json');
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures/crashing-run.ts'), artifact], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ seed: 7, passed: false, crash: { origin: 'unhandledRejection', message: expect.stringMatching(/boom: unhandled/) } });
      expect(JSON.parse(readFileSync(artifact, 'utf8'))).toMatchObject({ seed: 7, passed: false, crash: { origin: 'unhandledRejection' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
