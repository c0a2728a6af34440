import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runChecked } from '../scenario/run.js';
import { planSuite, suiteAction } from './suite-run.js';

const GOOD = "name: good\ndescription: d\nfleet: { workers: 1 }\nworkload: { items: [{ name: e, kind: echo, count: 2, at: 0, params: { value: v } }] }\nphases: { faultsMs: 500, healMs: 1000 }\n";
const BAD = "name: bad\ndescription: d\nfleet: { workers: 1 }\ncoordinator: { args: [--retain-sweep, '250'] }\n";

function suiteDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'squall-suite-'));
  writeFileSync(join(dir, 'a-bad.yaml'), BAD);
  writeFileSync(join(dir, 'b-good.yaml'), GOOD);
  return dir;
}

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('squall suite survives a scenario file that does not load', () => {
  it('plans the others and lists the file with why; without a list to fill, planning throws as before', async () => {
    const dir = suiteDir();
    const unloadable: { file: string; reason: string }[] = [];
    const plan = await planSuite({ dir, regressions: false }, unloadable);
    expect(plan.map((u) => u.scenario)).toEqual(['good']);
    expect(unloadable).toEqual([{ file: join(dir, 'a-bad.yaml'), reason: expect.stringMatching(/--retain-sweep has no effect without --retain-count/) as unknown as string }]);
    await expect(planSuite({ dir, regressions: false })).rejects.toThrow(/--retain-sweep/);
  });

  it('runs the rest, prints one failed row naming the file and the reason, and exits non-zero', { timeout: 60_000 }, async () => {
    const dir = suiteDir();
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (lines.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await suiteAction({ dir, json: true, reportDir: join(dir, 'reports'), regressions: false }, (_file, s, seed) => runChecked(s, { seed }));
    const json = JSON.parse(lines.join('')) as { runs: { scenario: string }[]; unloadable: { file: string; reason: string }[]; summary: { scenarios: number; failed: number } };
    expect(json.runs.map((r) => r.scenario)).toEqual(['good']);
    expect(json.unloadable).toHaveLength(1);
    expect(json.unloadable[0]?.file).toBe(join(dir, 'a-bad.yaml'));
    expect(json.summary.scenarios).toBe(2);
    expect(json.summary.failed).toBeGreaterThanOrEqual(1);
    expect(process.exitCode).toBe(1);
  });

  it('says so in the human table too', { timeout: 60_000 }, async () => {
    const dir = suiteDir();
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (lines.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await suiteAction({ dir, reportDir: join(dir, 'reports'), regressions: false }, (_file, s, seed) => runChecked(s, { seed }));
    const text = lines.join('');
    expect(text).toMatch(/a-bad\.yaml.*FAIL \(load\)/);
    expect(text).toMatch(/FAIL .*a-bad\.yaml: the scenario could not be loaded, so none of its runs ran: .*--retain-sweep has no effect/);
    expect(text).toMatch(/good/);
    expect(process.exitCode).toBe(1);
  });
});
