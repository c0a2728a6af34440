/**
 * The planted-defect measurement (issue 10's target): does the simulation
 * suite ALONE catch a realistic defect in system/, within a wall budget, and
 * under which promise? Given a directory of patch files (kept OUTSIDE the
 * repository, so the harness cannot be tuned to them), it applies each one
 * alone in a scratch git worktree of HEAD (node_modules symlinked), runs
 * scripts/defect-suite.ts there (scenario suite at seed 1, then a fixed seed
 * sweep) until the first failing run or the budget, and prints a table:
 * defect, caught, promise(s), where, wall time; then the catch rate.
 * One defect at a time (the machine is shared). A baseline run without any
 * patch comes first: if it fails, nothing else means anything.
 *
 *   npm run defects -- /work/defects [--budget-s 90] [--only a,b] [--md out.md]
 *
 * A patch's one-line description is its first line starting `Defect:`
 * (git apply ignores text before the diff).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTable } from '../harness/report/table.js';

/** One run line printed by defect-suite.ts. */
interface RunLine {
  scenario: string;
  seed: number;
  passed: boolean;
  promises: string[];
  problems: string[];
  crash: string | null;
  first: string | null;
  elapsedMs: number;
}

/** The verdict on one defect. */
interface Verdict {
  name: string;
  description: string;
  caught: boolean;
  promises: string;
  where: string;
  wallS: number;
  runs: number;
  note: string;
}

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** A scratch worktree of HEAD with the repository's node_modules linked in. */
function scratchWorktree(repo: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'squall-defect-'));
  git(repo, 'worktree', 'add', '--detach', dir, 'HEAD');
  symlinkSync(resolve(repo, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Back to HEAD exactly (the symlink is untracked and ignored; keep it). */
function resetWorktree(dir: string): void {
  git(dir, 'reset', '--hard', '-q', 'HEAD');
  git(dir, 'clean', '-fdq', '-e', 'node_modules');
}

function describe(patch: string): string {
  const line = readFileSync(patch, 'utf8').split('\n').find((l) => l.startsWith('Defect:'));
  return line === undefined ? '' : line.slice('Defect:'.length).trim();
}

/**
 * The suite script every branch is measured with: this tool's own
 * defect-suite.ts, copied into the scratch worktree (untracked; `git clean`
 * removes it) so its imports resolve to the measured branch's harness. A
 * branch measured from its own checkout (cd /work/wt/other && tsx
 * .../defect-catch.ts) then runs the same suite protocol (order, sweep,
 * --skip) even if its committed copy of the script is older.
 */
const SUITE_COPY = join('scripts', 'defect-suite.measure.ts');

/**
 * The name hook `squall sim` runs with (bin/plain-names.mjs after tsx's
 * loader: tsx's name helper made an identity, about a tenth of a herd
 * simulation's CPU), this tool's own copy, so a measured branch without it
 * runs as fast; SQUALL_KEEP_NAMES=1 leaves it out, as it does for `squall`.
 */
const NAME_HOOK = fileURLToPath(new URL('../bin/plain-names-register.mjs', import.meta.url));

/** Runs the simulation suite in dir; resolves with its run lines and the wall time, killing it at the budget. */
function runSuite(dir: string, budgetMs: number, extra: string[] = []): Promise<{ lines: RunLine[]; wallMs: number; stderr: string }> {
  const t0 = performance.now();
  writeFileSync(join(dir, SUITE_COPY), readFileSync(new URL('./defect-suite.ts', import.meta.url)));
  const hook = process.env.SQUALL_KEEP_NAMES === '1' ? [] : ['--import', NAME_HOOK];
  const args = ['--import', 'tsx', ...hook, SUITE_COPY, '--budget-ms', String(budgetMs), ...extra];
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const lines: RunLine[] = [];
  let out = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const l = out.slice(0, nl);
      out = out.slice(nl + 1);
      if (l.startsWith('{')) lines.push(JSON.parse(l) as RunLine);
    }
  });
  child.stderr.on('data', (b: Buffer) => void (stderr = (stderr + b.toString()).slice(-4000)));
  // The child stops by itself at the budget after its current run; a run that hangs is killed here.
  const killer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), budgetMs + 30_000);
  return new Promise((done) => {
    child.on('close', () => {
      clearTimeout(killer);
      done({ lines, wallMs: performance.now() - t0, stderr });
    });
  });
}

/**
 * Applies a patch; one written against an older main whose context moved
 * since (a line added nearby) is merged three-way from the blobs it names,
 * as long as that merge is clean. Returns why it could not be applied.
 */
function applyPatch(dir: string, patch: string): string | undefined {
  try {
    git(dir, 'apply', patch);
    return undefined;
  } catch (err) {
    try {
      git(dir, 'apply', '--3way', patch);
      return undefined;
    } catch {
      resetWorktree(dir);
      return (err as Error).message.split('\n')[0] ?? '';
    }
  }
}

/** Applies one patch, runs the suite, and judges: caught = a failing run within the budget. */
async function judge(dir: string, patch: string, budgetMs: number, skipped: ReadonlySet<string>): Promise<Verdict> {
  const name = basename(patch).replace(/\.(patch|diff)$/, '');
  const base = { name, description: describe(patch), caught: false, promises: '', where: '', wallS: 0, runs: 0, note: '' };
  resetWorktree(dir);
  const refused = applyPatch(dir, patch);
  if (refused !== undefined) return { ...base, note: `patch does not apply: ${refused}` };
  const extra = skipped.size === 0 ? [] : ['--skip', [...skipped].join(',')];
  const { lines, wallMs, stderr } = await runSuite(dir, budgetMs, extra);
  // A run that fails without the defect too is no catch (defect-suite.ts skips them; this guards older copies).
  const failed = lines.find((l) => !l.passed && !skipped.has(`${l.scenario}@${l.seed}`));
  const wallS = Math.round((failed?.elapsedMs ?? wallMs) / 100) / 10;
  if (failed === undefined) {
    const note = lines.length === 0 ? `no run finished: ${stderr.split('\n').filter(Boolean).at(-1) ?? ''}` : '';
    return { ...base, wallS, runs: lines.length, note };
  }
  const promises = failed.crash !== null ? 'run crashed' : failed.promises.length > 0 ? failed.promises.join(', ') : `guard: ${failed.problems[0] ?? '?'}`;
  const inBudget = failed.elapsedMs <= budgetMs;
  return { ...base, caught: inBudget, promises, where: `${failed.scenario}@${failed.seed}`, wallS, runs: lines.length, note: inBudget ? (failed.crash ?? failed.first ?? '').slice(0, 140) : 'caught after the budget' };
}

function render(verdicts: Verdict[], budgetS: number, skipped: string[]): string {
  const rows = verdicts.map((v) => [v.name, v.caught ? 'yes' : 'NO', v.promises || '-', v.where || '-', v.wallS.toFixed(1), String(v.runs), v.description]);
  const table = renderTable(['defect', 'caught', 'promise(s)', 'first failing run', 'wall s', 'runs', 'description'], rows);
  const caught = verdicts.filter((v) => v.caught).length;
  const rate = verdicts.length === 0 ? 0 : (100 * caught) / verdicts.length;
  const note = skipped.length === 0 ? '' : `\n\nruns left out because they fail without any defect (baseline): ${skipped.join(', ')}`;
  return `${table}\n\ncaught ${caught} of ${verdicts.length} (${rate.toFixed(0)}%) within ${budgetS} s each, simulation suite only${note}`;
}

async function main(): Promise<void> {
  const patchDir = process.argv[2];
  if (patchDir === undefined || patchDir.startsWith('--')) throw new Error('usage: tsx scripts/defect-catch.ts <patch-dir> [--budget-s 90] [--only a,b] [--md out.md]');
  const budgetS = Number(flag('--budget-s') ?? '90');
  const only = flag('--only')?.split(',');
  const patches = readdirSync(patchDir)
    .filter((f) => /\.(patch|diff)$/.test(f) && (only === undefined || only.some((o) => f.startsWith(o))))
    .sort()
    .map((f) => resolve(patchDir, f));
  const repo = git(process.cwd(), 'rev-parse', '--show-toplevel').trim();
  const dir = scratchWorktree(repo);
  const verdicts: Verdict[] = [];
  let skipped: string[] = [];
  try {
    // Every run of the budget (and a margin: a loaded machine gets further some times than others), not only the first failure.
    const baseline = await runSuite(dir, budgetS * 1500, ['--all']);
    const bad = baseline.lines.filter((l) => !l.passed);
    // A run that fails without any defect would read as a catch: leave it out of every patch's suite, and say so.
    skipped = bad.map((l) => `${l.scenario}@${l.seed}`);
    for (const l of bad) process.stderr.write(`baseline (no defect) FAILS at ${l.scenario}@${l.seed}: ${l.crash ?? l.promises.join(', ')} ${l.first ?? ''}; left out of every run\n`);
    if (baseline.lines.length === bad.length) throw new Error(`baseline: no run passed (${baseline.lines.length} runs): nothing can be measured`);
    process.stderr.write(`baseline: ${baseline.lines.length - bad.length} of ${baseline.lines.length} runs passed in ${(baseline.wallMs / 1000).toFixed(1)} s\n`);
    for (const [i, p] of patches.entries()) {
      const v = await judge(dir, p, budgetS * 1000, new Set(skipped));
      verdicts.push(v);
      process.stderr.write(`[${i + 1}/${patches.length}] ${v.name}: ${v.caught ? `caught by ${v.promises} at ${v.where}` : 'MISSED'} (${v.wallS} s) ${v.note}\n`);
    }
  } finally {
    git(repo, 'worktree', 'remove', '--force', dir);
    rmSync(dir, { recursive: true, force: true });
  }
  const text = render(verdicts, budgetS, skipped);
  process.stdout.write(`${text}\n`);
  const md = flag('--md');
  if (md !== undefined) writeFileSync(md, `${text}\n`);
}

await main();
