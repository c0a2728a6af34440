/**
 * The failure-seed loop: `squall regressions add ARTIFACT` files a failing
 * replay artifact under scenarios/regressions/ as seed-<n>-<scenario>-<what>.json,
 * with the scenario, seed, swarm schedule, trace hash and the violation it
 * found, plus a note. From then on `squall suite` and the default test suite
 * (tests/sim/regressions.test.ts) replay it and require every promise to hold.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, InvalidArgumentError, SquallError } from '../../system/core/index.js';
import { type Artifact, readArtifact, writeArtifact } from './artifact.js';

/** A pinned regression: an artifact with a note and the headline of what it found. */
export interface PinnedRegression extends Artifact {
  note: string;
  pinnedAt: string;
  /** Scenario, seed, trace hash and first violation at the time it was pinned (for readers and `git log -p`). */
  pinned: { scenario: string; seed: number; traceHash: string; violation: string };
}

export interface AddRegressionOptions {
  /** Directory of pinned artifacts; default scenarios/regressions. */
  dir?: string;
  /** What it found, in a sentence (default: the first violation). */
  note?: string;
  /** Short kebab-case label for the file name (default: the first violated promise). */
  name?: string;
  /** Pin an artifact that passed (e.g. a schedule worth keeping); refused by default. */
  allowPassing?: boolean;
}

/** Kebab-case, letters/digits only, at most 40 characters. */
function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '') || 'regression';
}

/** Identity of a pinned run: the same scenario, seed and swarm is the same regression. */
function identity(a: Pick<Artifact, 'scenario' | 'seed' | 'swarm'>): string {
  return JSON.stringify([a.scenario.name, a.seed, a.swarm]);
}

/** Pins the artifact; returns the new file's path. Throws SquallError with a stable code on bad input or a duplicate. */
export async function addRegression(artifactPath: string, opts: AddRegressionOptions = {}): Promise<{ path: string; pinned: PinnedRegression }> {
  const dir = opts.dir ?? join('scenarios', 'regressions');
  const a = await readArtifact(artifactPath);
  const first = a.violations[0];
  if (a.passed && opts.allowPassing !== true) {
    throw new InvalidArgumentError(`${artifactPath}: this run passed (no violation to pin); pin failing artifacts, or pass --allow-passing to keep a passing schedule`, 'passed');
  }
  if (opts.name !== undefined && slug(opts.name) !== opts.name) {
    throw new InvalidArgumentError(`--name must be kebab-case letters and digits (e.g. ${slug(opts.name)}), got "${opts.name.slice(0, 60)}"`, '--name');
  }
  const existing = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
  for (const f of existing) {
    const other = JSON.parse(await readFile(join(dir, f), 'utf8')) as Artifact;
    if (identity(other) === identity(a)) {
      throw new SquallError(ErrorCode.Conflict, `${artifactPath}: already pinned as ${join(dir, f)} (same scenario, seed and swarm schedule)`, { path: join(dir, f) });
    }
  }
  const what = opts.name ?? slug(first?.name ?? 'passing-schedule');
  let path = join(dir, `seed-${a.seed}-${slug(a.scenario.name)}-${what}.json`);
  for (let n = 2; existing.includes(path.slice(dir.length + 1)); n++) path = join(dir, `seed-${a.seed}-${slug(a.scenario.name)}-${what}-${n}.json`);
  const headline = first === undefined ? 'no violation (passing schedule)' : `promise ${first.promise} ${first.name}: ${first.message}`;
  const pinned: PinnedRegression = {
    ...a,
    note: opts.note ?? `Found by ${a.scenario.name} seed ${a.seed}: ${headline}`,
    pinnedAt: new Date().toISOString(),
    pinned: { scenario: a.scenario.name, seed: a.seed, traceHash: a.traceHash, violation: headline },
  };
  await writeArtifact(path, pinned);
  return { path, pinned };
}
