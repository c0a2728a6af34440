/**
 * The standalone system build (scripts/build-system.ts, `npm run build`):
 * compiled into a temp dir with only the runtime packages it declares copied
 * beside it, the coordinator starts from it and answers /readyz; nothing of
 * harness/, tests or test helpers is in it; it imports no dev or
 * harness-only package. buildProblems catches a build that has them.
 * One tsc run (about 10 s of CPU), hence the long hook timeout; no timed
 * assertion.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bareImports, buildProblems, buildSystem, copyRuntimeDependencies, HARNESS_ONLY } from '../../scripts/build-system.js';

const NOT_RUNTIME = [...HARNESS_ONLY, 'typescript', 'vitest'];
let tmp = '';
let out = '';
let runtime: string[] = [];
const children: ChildProcess[] = [];

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'squall-build-'));
  out = join(tmp, 'dist');
  runtime = buildSystem(out);
  copyRuntimeDependencies(runtime, join(tmp, 'node_modules'));
}, 600_000);

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
});

/** Starts the compiled coordinator on a free port; resolves with its HTTP URL from the "coordinator listening" log line. */
function startCompiledCoordinator(): Promise<string> {
  const child = spawn(process.execPath, [join(out, 'system/cli/main.js'), 'coordinator', '--host', '127.0.0.1', '--port', '0', '--data-dir', join(tmp, 'data'), '--api-auth', 'none', '--log-level', 'info'], {
    cwd: tmp,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NODE_PATH: '' },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      for (const line of log.split('\n').slice(0, -1)) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { msg?: string; http?: string };
        if (entry.msg === 'coordinator listening' && entry.http !== undefined) resolve(entry.http);
      }
    });
    child.once('exit', (code) => reject(new Error(`compiled coordinator exited ${code}:\n${log}`)));
  });
}

describe('standalone system build', () => {
  it('holds system/ only: no harness, no tests, no test helpers', () => {
    expect(readdirSync(out).sort()).toEqual(['package.json', 'system']);
    const files = readdirSync(out, { recursive: true, encoding: 'utf8' });
    expect(files.filter((f) => /harness|\.test\.|(^|\/)testing\.js$/.test(f))).toEqual([]);
    expect(files).toContain('system/cli/main.js');
    expect(files).toContain('system/coordinator/ui/assets/index.html');
    expect(buildProblems(out)).toEqual([]);
  });

  it('declares exactly the packages its code imports, none of them harness-only', () => {
    const pkg = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8')) as { type: string; dependencies: Record<string, string> };
    expect(pkg.type).toBe('module');
    expect(Object.keys(pkg.dependencies)).toEqual(runtime);
    expect(runtime).toEqual(expect.arrayContaining(['ws', 'zod', 'better-sqlite3', 'commander']));
    expect(runtime.filter((n) => NOT_RUNTIME.includes(n))).toEqual([]);
    expect(readdirSync(join(tmp, 'node_modules')).filter((n) => NOT_RUNTIME.includes(n))).toEqual([]);
  });

  it('starts the compiled coordinator with only those packages installed, and it answers /readyz', { timeout: 120_000 }, async () => {
    const url = await startCompiledCoordinator();
    // It logs "listening" once the listener accepts, so /readyz must answer now.
    const res = await fetch(`${url}/readyz`);
    // store "ok": SQLite (better-sqlite3's native addon) works from the copied packages.
    expect({ status: res.status, body: (await res.json()) as unknown }).toMatchObject({ status: 200, body: { status: 'ready', checks: { store: 'ok', listener: 'ok' } } });
  });

  it('buildProblems names a build that pulled in harness/ or a dev-only package', () => {
    const bad = join(tmp, 'bad');
    mkdirSync(join(bad, 'system'), { recursive: true });
    mkdirSync(join(bad, 'harness'), { recursive: true });
    writeFileSync(join(bad, 'system/a.js'), "import { z } from 'zod';\nimport { run } from 'vitest';\nexport { x } from 'vega-lite/build/x.js';\nconst t = `from \"${'${x}'}\"`;\n");
    expect(bareImports(bad)).toEqual(['vega-lite', 'vitest', 'zod']);
    const problems = buildProblems(bad).join('\n');
    expect(problems).toMatch(/^harness: only system\/ belongs in the build/m);
    expect(problems).toMatch(/imports "vitest", which is not in package.json "dependencies"/);
    expect(problems).toMatch(/imports "vega-lite", a harness-only package/);
    expect(problems).not.toMatch(/"zod"/);
  });
});
