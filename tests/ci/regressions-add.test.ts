/**
 * The failure-seed loop: `regressions add` files a failing artifact with its
 * scenario, seed, trace hash and violation; a second add of the same run is
 * refused; a passing run is refused; and the suite's plan picks the pinned
 * file up, under its own name, with its swarm schedule.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planSuite } from '../../harness/cli/suite-run.js';
import { addRegression } from '../../harness/scenario/regressions.js';

const PINNED = join(import.meta.dirname, '../../scenarios/regressions/seed-1000-corrupting-link-version-flip.json');
const SCENARIO = join(import.meta.dirname, '../../scenarios/partition-heal.yaml');
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function workspace(): Promise<{ root: string; artifact: string }> {
  const root = await mkdtemp(join(tmpdir(), 'squall-reg-'));
  dirs.push(root);
  await mkdir(join(root, 'scenarios', 'regressions'), { recursive: true });
  await copyFile(SCENARIO, join(root, 'scenarios', 'partition-heal.yaml'));
  // A failing artifact as a run writes it (no note, no pin yet).
  const raw = JSON.parse(await readFile(PINNED, 'utf8')) as Record<string, unknown>;
  delete raw.note;
  const artifact = join(root, 'corrupting-link-seed-1000.json');
  await writeFile(artifact, JSON.stringify(raw));
  return { root, artifact };
}

describe('squall regressions add', () => {
  it('pins scenario, seed, trace hash and violation; the suite replays it from then on', async () => {
    const { root, artifact } = await workspace();
    const dir = join(root, 'scenarios', 'regressions');
    const before = await planSuite({ dir: join(root, 'scenarios'), regressions: true });
    expect(before.map((u) => u.scenario)).toEqual(['partition-heal']);

    const { path, pinned } = await addRegression(artifact, { dir });
    expect(path).toBe(join(dir, 'seed-1000-corrupting-link-backoff.json'));
    const onDisk = JSON.parse(await readFile(path, 'utf8')) as typeof pinned;
    expect(onDisk.pinned).toMatchObject({ scenario: 'corrupting-link', seed: 1000, traceHash: pinned.traceHash });
    expect(onDisk.pinned.violation).toMatch(/^promise \d+ [a-z-]+: /);
    expect(onDisk.note).toMatch(/Found by corrupting-link seed 1000/);
    expect(onDisk.swarm).toEqual(pinned.swarm);

    const after = await planSuite({ dir: join(root, 'scenarios'), regressions: true });
    expect(after.map((u) => [u.scenario, u.seed])).toEqual([['partition-heal', 1], ['regressions/seed-1000-corrupting-link-backoff', 1000]]);
    expect((after[1] as unknown as { swarm: unknown }).swarm).toEqual(pinned.swarm);
    expect(await planSuite({ dir: join(root, 'scenarios'), regressions: false })).toHaveLength(1);

    await expect(addRegression(artifact, { dir })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses a passing run, a bad name and a file that is not an artifact, saying why', async () => {
    const { root, artifact } = await workspace();
    const dir = join(root, 'scenarios', 'regressions');
    const raw = JSON.parse(await readFile(artifact, 'utf8')) as Record<string, unknown>;
    const passing = join(root, 'passing.json');
    await writeFile(passing, JSON.stringify({ ...raw, passed: true, violations: [] }));
    await expect(addRegression(passing, { dir })).rejects.toThrow(/passed \(no violation to pin\)/);
    await expect(addRegression(artifact, { dir, name: 'Bad Name' })).rejects.toThrow(/--name must be kebab-case/);
    const junk = join(root, 'junk.json');
    await writeFile(junk, '{"hello": 1}');
    await expect(addRegression(junk, { dir })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
