/**
 * bin/squall.js picks what to run: a system command runs dist/ when dist/ is
 * at least as new as every file under system/; a stale dist/ is skipped,
 * saying so (an edit is never silently ignored); harness commands always run
 * the sources through tsx; with no sources at all, dist/ answers everything.
 * Checked on a copy of bin/squall.js in a temp tree with stand-in dist/ and
 * harness modules that only say which one ran (no tsc, fast).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tree(opts: { sources: boolean }): { root: string; setAge: (what: 'dist' | 'system', secondsAgo: number) => void } {
  const root = mkdtempSync(join(tmpdir(), 'squall-bin-'));
  dirs.push(root);
  for (const f of ['squall.js', 'dist-fresh.js', 'plain-names.mjs', 'harness-v8.mjs']) cpSync(join(ROOT, 'bin', f), join(root, 'bin', f));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{"type":"module"}\n');
  mkdirSync(join(root, 'dist/system/cli'), { recursive: true });
  writeFileSync(join(root, 'dist/package.json'), '{"type":"module"}\n');
  writeFileSync(join(root, 'dist/system/cli/program.js'), "export const systemProgram = () => ({ commands: ['coordinator', 'worker'].map((n) => ({ name: () => n })) });\n");
  writeFileSync(join(root, 'dist/system/cli/run-cli.js'), "export async function runCli(_p, argv) { process.stdout.write(`DIST ${argv[2] ?? ''}\\n`); }\n");
  if (opts.sources) {
    mkdirSync(join(root, 'system/core'), { recursive: true });
    writeFileSync(join(root, 'system/core/a.ts'), 'export const a = 1;\n');
    mkdirSync(join(root, 'harness/cli'), { recursive: true });
    writeFileSync(join(root, 'harness/cli/main.ts'), "const which: string = 'SOURCES';\nprocess.stdout.write(`${which} ${process.argv[2] ?? ''}\\n`);\n");
  }
  const setAge = (what: 'dist' | 'system', secondsAgo: number): void => {
    const t = new Date(Date.now() - secondsAgo * 1000);
    // Directories count too (a deleted source changes its folder's time).
    for (const p of what === 'dist' ? ['dist/package.json'] : ['system/core/a.ts', 'system/core']) utimesSync(join(root, p), t, t);
  };
  return { root, setAge };
}

const squall = (root: string, ...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/squall.js'), ...args], { encoding: 'utf8', cwd: root });

describe('bin/squall.js', () => {
  it('runs a system command from a fresh dist/ and harness commands from the sources', () => {
    const { root, setAge } = tree({ sources: true });
    setAge('system', 60);
    setAge('dist', 10);
    expect(squall(root, 'coordinator').stdout).toBe('DIST coordinator\n');
    expect(squall(root, 'sim').stdout).toBe('SOURCES sim\n');
    expect(squall(root, '--help').stdout).toBe('SOURCES --help\n');
  });

  it('skips a dist/ older than a source file under system/, saying so', () => {
    const { root, setAge } = tree({ sources: true });
    setAge('dist', 60);
    setAge('system', 10);
    const r = squall(root, 'coordinator');
    expect(r.stdout).toBe('SOURCES coordinator\n');
    expect(r.stderr).toMatch(/dist\/ is older than system\/ \(npm run build\); running the sources/);
  });

  it("runs the sources without tsx's name helper (bin/plain-names.mjs) unless SQUALL_KEEP_NAMES=1: no defineProperty of a name", () => {
    const { root } = tree({ sources: true });
    // Counts name definitions from before the module under test runs (its helper binds Object.defineProperty on its first line).
    writeFileSync(join(root, 'harness/cli/spy.ts'), "const define = Object.defineProperty;\nlet n = 0;\nObject.defineProperty = ((o: object, k: PropertyKey, d: PropertyDescriptor) => (k === 'name' && (n += 1), define(o, k, d))) as typeof Object.defineProperty;\nexport const nameDefs = (): number => n;\n");
    writeFileSync(join(root, 'harness/cli/main.ts'), "import { nameDefs } from './spy.js';\nfunction f(): number { return 1; }\nconst g = (): number => f();\nclass C {}\nprocess.stdout.write(`${nameDefs()} ${f.name} ${g.name} ${C.name} ${g()}\\n`);\n");
    // A closure esbuild wrapped loses its name (bin/plain-names.mjs says why that is the price); SQUALL_KEEP_NAMES=1 keeps tsx's helper.
    expect(squall(root, 'sim').stdout).toBe('0 f  C 1\n');
    const kept = spawnSync(process.execPath, [join(root, 'bin/squall.js'), 'sim'], { encoding: 'utf8', cwd: root, env: { ...process.env, SQUALL_KEEP_NAMES: '1' } });
    expect(kept.stdout).toMatch(/^[1-9]\d* f g C 1\n$/);
  });

  it('lets dist/ answer everything where there are no sources (a system-only install)', () => {
    const { root } = tree({ sources: false });
    expect(squall(root, 'coordinator').stdout).toBe('DIST coordinator\n');
    expect(squall(root, 'sim').stdout).toBe('DIST sim\n');
  });
});
