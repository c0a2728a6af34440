/**
 * The workflow linter must be able to fail: the shipped workflows pass, and
 * a deliberately broken copy of each (a misspelt GitHub key, GitLab jobs
 * with an unknown stage, a dangling needs, a duplicate key, a bad parallel)
 * and a drifted .github copy make scripts/lint-workflows.sh exit 1.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintGitlabCi } from '../../scripts/lint-gitlab-ci.js';

const ROOT = join(import.meta.dirname, '../..');
const GITLAB = join(ROOT, 'ci/gitlab/squall.gitlab-ci.yml');
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function copyRoot(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'squall-wf-'));
  dirs.push(dir);
  await cp(join(ROOT, 'ci'), join(dir, 'ci'), { recursive: true });
  await cp(join(ROOT, '.github'), join(dir, '.github'), { recursive: true });
  return dir;
}
const lint = (root: string) => spawnSync('bash', [join(ROOT, 'scripts/lint-workflows.sh'), root], { encoding: 'utf8', cwd: ROOT });

describe('scripts/lint-workflows.sh', () => {
  it('passes the shipped workflows and fails a broken GitHub workflow or a drifted copy', { timeout: 120_000 }, async () => {
    const good = lint(await copyRoot());
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/squall\.yml: ok \(action-validator\)/);

    const broken = await copyRoot();
    const wf = join(broken, 'ci/github/squall.yml');
    const text = (await readFile(wf, 'utf8')).replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest');
    await writeFile(wf, text);
    await writeFile(join(broken, '.github/workflows/squall.yml'), text);
    const bad = lint(broken);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/ci\/github\/squall\.yml: FAILED action-validator/);

    const drifted = await copyRoot();
    await writeFile(join(drifted, '.github/workflows/squall.yml'), `${await readFile(join(drifted, 'ci/github/squall.yml'), 'utf8')}# local edit\n`);
    const drift = lint(drifted);
    expect(drift.status).toBe(1);
    expect(drift.stderr).toMatch(/differs from ci\/github\/squall\.yml/);
  });
});

describe('GitLab CI structural check', () => {
  it('accepts the shipped file', async () => {
    expect(lintGitlabCi(await readFile(GITLAB, 'utf8'))).toEqual([]);
  });

  it('names each broken part', async () => {
    const text = await readFile(GITLAB, 'utf8');
    const cases: [string, RegExp][] = [
      [text.replace('stage: sweep', 'stage: sweeep'), /sweep\.stage: stage "sweeep" is not in stages/],
      [text.replace('    - job: sweep\n', '    - job: sweeps\n'), /merge\.needs: no job "sweeps"/],
      [text.replace('  parallel: 4', '  parallel: 0'), /sweep\.parallel: must be an integer 1\.\.200/],
      [text.replace('  timeout: 30m\n', '  timeout: 30m\n  timeout: 40m\n'), /YAML: Map keys must be unique/],
      [text.replace('  script:\n    - $SQUALL report merge', '  scripts:\n    - $SQUALL report merge'), /merge\.scripts: unknown job keyword/],
      [text.replace('    when: always\n    expire_in: 2 weeks\n    paths:\n      - reports/\n      - junit.xml', '    when: sometimes\n    expire_in: 2 weeks\n    paths:\n      - reports/\n      - junit.xml'), /suite\.artifacts\.when: must be on_success, on_failure or always/],
      ['- just a list\n', /\(root\): must be a mapping/],
    ];
    for (const [broken, expected] of cases) {
      expect(broken).not.toBe(text);
      expect(lintGitlabCi(broken).join('\n')).toMatch(expected);
    }
  });
});
