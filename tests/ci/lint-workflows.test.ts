/**
 * The workflow linter must be able to fail: the shipped workflows pass, and
 * a deliberately broken copy of each (a misspelt GitHub key; GitLab files
 * with an unknown key, a wrong type, bad rules, out-of-range values caught by
 * GitLab's own CI schema, plus an unknown stage, a dangling needs or a
 * duplicate key) and a drifted .github copy make scripts/lint-workflows.sh exit 1.
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
  it('passes the shipped workflows and fails a broken GitHub or GitLab workflow or a drifted copy', { timeout: 120_000 }, async () => {
    const good = lint(await copyRoot());
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/squall\.yml: ok \(action-validator\)/);

    const broken = await copyRoot();
    const wf = join(broken, 'ci/github/squall.yml');
    const text = (await readFile(wf, 'utf8')).replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest');
    await writeFile(wf, text);
    await writeFile(join(broken, '.github/workflows/squall.yml'), text);
    const gl = join(broken, 'ci/gitlab/squall.gitlab-ci.yml');
    await writeFile(gl, (await readFile(gl, 'utf8')).replace('  parallel: 4', '  paralel: 4'));
    const bad = lint(broken);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/ci\/github\/squall\.yml: FAILED action-validator/);
    expect(bad.stderr).toMatch(/ci\/gitlab\/squall\.gitlab-ci\.yml: sweep: unknown key "paralel"/);

    const drifted = await copyRoot();
    await writeFile(join(drifted, '.github/workflows/squall.yml'), `${await readFile(join(drifted, 'ci/github/squall.yml'), 'utf8')}# local edit\n`);
    const drift = lint(drifted);
    expect(drift.status).toBe(1);
    expect(drift.stderr).toMatch(/differs from ci\/github\/squall\.yml/);
  });
});

describe('GitLab CI lint (the GitLab CI JSON schema + semantic checks)', () => {
  it('accepts the shipped file', async () => {
    expect(lintGitlabCi(await readFile(GITLAB, 'utf8'))).toEqual([]);
  });

  it('names each part the schema rejects', async () => {
    const text = await readFile(GITLAB, 'utf8');
    const cases: [string, RegExp][] = [
      // unknown keys: a job keyword, a rule keyword, an artifacts keyword, under default
      [text.replace('  script:\n    - $SQUALL report merge', '  scripts:\n    - $SQUALL report merge'), /^merge: unknown key "scripts"$/m],
      [text.replace('    - if: $CI_PIPELINE_SOURCE == "web"\n  parallel', '    - iff: $CI_PIPELINE_SOURCE == "web"\n  parallel'), /^sweep\.rules\[1\]: unknown key "iff"$/m],
      [text.replace('    expire_in: 2 weeks\n    paths:\n      - reports/merged/', '    expires_in: 2 weeks\n    paths:\n      - reports/merged/'), /^merge\.artifacts: unknown key "expires_in"$/m],
      [text.replace('  interruptible: true\n', '  interruptible: true\n  stage: test\n'), /^default: unknown key "stage"$/m],
      // wrong types
      [text.replace('  interruptible: true', '  interruptible: "yes"'), /^default\.interruptible: must be boolean$/m],
      [text.replace('  timeout: 2h', '  timeout: [2h]'), /^sweep\.timeout: must be string$/m],
      [text.replace('    - job: sweep\n      artifacts: true', '    - job: sweep\n      artifacts: "yes"'), /^merge\.needs\[0\]\.artifacts: must be boolean$/m],
      // bad rules and enumerations
      [text.replace('      when: never', '      when: nope'), /^suite\.rules\[0\]\.when: must be one of on_success, on_failure, always, never, manual, delayed$/m],
      [text.replace('  rules:\n    - if: $CI_PIPELINE_SOURCE == "schedule"\n      when: never\n    - when: on_success\n', '  rules:\n    if: $CI_PIPELINE_SOURCE == "schedule"\n    when: never\n'), /^suite\.rules: must be array or null$/m],
      [text.replace('    - if: $CI_PIPELINE_SOURCE == "web"\n      when: always', '    - if: 42\n      when: always'), /^merge\.rules\[1\]\.if: must be string$/m],
      [text.replace('    when: always\n    expire_in: 2 weeks\n    paths:\n      - reports/\n      - junit.xml', '    when: sometimes\n    expire_in: 2 weeks\n    paths:\n      - reports/\n      - junit.xml'), /^suite\.artifacts\.when: must be one of on_success, on_failure, always$/m],
      // ranges
      [text.replace('  parallel: 4', '  parallel: 0'), /^sweep\.parallel: must be >= 1$/m],
      [text.replace('  parallel: 4', '  parallel: 201'), /^sweep\.parallel: must be <= 200$/m],
      [text.replace('stages:\n  - test\n  - sweep\n  - report', 'stages: []'), /^stages: must NOT have fewer than 1 items$/m],
    ];
    for (const [broken, expected] of cases) {
      expect(broken).not.toBe(text);
      expect(lintGitlabCi(broken).join('\n')).toMatch(expected);
    }
  });

  it('keeps the checks a schema cannot express', async () => {
    const text = await readFile(GITLAB, 'utf8');
    const cases: [string, RegExp][] = [
      [text.replace('stage: sweep', 'stage: sweeep'), /sweep\.stage: stage "sweeep" is not in stages/],
      [text.replace('    - job: sweep\n', '    - job: sweeps\n'), /merge\.needs: no job "sweeps"/],
      [text.replace('  timeout: 30m\n', '  timeout: 30m\n  timeout: 40m\n'), /YAML: Map keys must be unique/],
      [text.replace('  script:\n    - $SQUALL report merge reports --out reports/merged --junit junit.xml\n', ''), /^merge: a job needs script, trigger, run or extends$/m],
      [text.replace('merge:\n  stage: report', 'merge:\n  extends: .merge-template\n  stage: report'), /merge\.extends: no job or template "\.merge-template"/],
      ['- just a list\n', /\(root\): must be a mapping/],
    ];
    for (const [broken, expected] of cases) {
      expect(broken).not.toBe(text);
      expect(lintGitlabCi(broken).join('\n')).toMatch(expected);
    }
  });

  it('resolves !reference tags to the values they name before validating', () => {
    const base = 'stages: [test]\n.setup:\n  script:\n    - echo setup\n  variables:\n    A: "1"\n';
    const good = `${base}job:\n  stage: test\n  variables: !reference [.setup, variables]\n  script:\n    - !reference [.setup, script]\n    - echo run\n`;
    expect(lintGitlabCi(good)).toEqual([]);
    // The resolved value is what the schema sees: a script where variables belong fails.
    expect(lintGitlabCi(good.replace('variables: !reference [.setup, variables]', 'variables: !reference [.setup, script]')).join('\n')).toMatch(/^job\.variables: must be object$/m);
    expect(lintGitlabCi(good.replace('[.setup, script]', '[.nothere, script]')).join('\n')).toMatch(/job\.script\[0\]: !reference \[\.nothere, script\]: names nothing in this file/);
    expect(lintGitlabCi(`${base}job:\n  stage: test\n  script: !reference [job, script]\n`).join('\n')).toMatch(/nested more than 10 levels/);
    expect(lintGitlabCi(`${base}job:\n  stage: test\n  script: !reference []\n`).join('\n')).toMatch(/!reference: must be a non-empty list of names/);
    // A name from an included file cannot be seen here: not an error.
    expect(lintGitlabCi(`include: other.yml\n${good.replace('[.setup, script]', '[.elsewhere, script]')}`)).toEqual([]);
  });
});
