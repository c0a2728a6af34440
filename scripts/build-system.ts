/**
 * The standalone system build: `tsc -p tsconfig.build.json` compiles system/
 * (tests and test helpers excluded) to OUT/system/, the dashboard's static
 * assets are copied beside their handler, and OUT/package.json says "type":
 * "module", the version, and the runtime dependencies the compiled code
 * imports. With --deps-to DIR, only those packages and what they depend on
 * are copied from node_modules to DIR (the Docker image's node_modules):
 * no harness, tsx, vega, typescript or test tools.
 * Usage: tsx scripts/build-system.ts [--out dist] [--deps-to DIR]
 *   (npm run build = the first form; run the result: node dist/system/cli/main.js --help)
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const ROOT_MODULES = join(ROOT, 'node_modules');
/** Loaded by name at run time, so no import statement shows them: pino's pretty printer (a TTY's logs). */
const DYNAMIC_DEPENDENCIES = ['pino-pretty'];
/** Packages that carry build leftovers: only these paths are needed at run time. */
const KEEP_ONLY: Record<string, string[]> = {
  'better-sqlite3': ['package.json', 'LICENSE', 'lib', 'build/Release/better_sqlite3.node'],
};
/** The harness's own packages (listed in "dependencies" for `squall sim`/`run`/`report`): never in the system build. */
export const HARNESS_ONLY: readonly string[] = ['tsx', 'vega', 'vega-lite', 'fast-check', 'hdr-histogram-js', 'cli-progress', 'toxiproxy-node-client', '@sinonjs/fake-timers'];
/** Never needed to run: sources kept for source maps, type declarations, docs. */
const SKIP_FILE = /\.(ts|mts|cts|map|md|markdown)$/;

type Manifest = { version?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
}

/** `a/b/c` -> `a`, `@s/p/x` -> `@s/p`; undefined for relative paths and node: built-ins. */
function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Bare packages the compiled JavaScript under `out` imports (static imports, re-exports, import('literal')). */
export function bareImports(out: string): string[] {
  const found = new Set<string>();
  const patterns = [/^\s*(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]/gm, /^\s*import\s+['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const file of filesUnder(out).filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(file, 'utf8');
    for (const re of patterns) for (const m of text.matchAll(re)) {
      const name = packageName(m[1] ?? '');
      if (name !== undefined && !isBuiltin(name)) found.add(name);
    }
  }
  return [...found].sort();
}

/** Where `name` resolves from package directory `from` (node's lookup: nearest node_modules upward, stopping at the root's). */
function resolvePackage(name: string, from: string, modules: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === dirname(modules) || dir === dirname(dir)) return undefined;
  }
}

/** Every package directory the given packages need at run time (dependencies, optional ones present, peers present). */
function runtimeClosure(names: string[], modules: string = ROOT_MODULES): string[] {
  const seen = new Set<string>();
  const queue: [string, string, boolean][] = names.map((n) => [n, dirname(modules), false]);
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    const [name, from, optional] = item;
    const dir = resolvePackage(name, from, modules);
    if (dir === undefined) {
      if (optional) continue;
      throw new Error(`build-system: "${name}" (needed by ${relative(ROOT, from) || 'the system'}) is not installed under ${modules}; run npm ci`);
    }
    if (seen.has(dir)) continue;
    seen.add(dir);
    const m = readManifest(dir);
    for (const d of Object.keys(m.dependencies ?? {})) queue.push([d, dir, false]);
    for (const d of [...Object.keys(m.optionalDependencies ?? {}), ...Object.keys(m.peerDependencies ?? {})]) queue.push([d, dir, true]);
  }
  return [...seen].sort();
}

/** Copies each package directory (not its nested node_modules: those it needs are in the list too) under `dest`. */
function copyPackages(dirs: string[], modules: string, dest: string): void {
  for (const dir of dirs) {
    const to = join(dest, relative(modules, dir));
    const name = relative(modules, dir).split(`${sep}node_modules${sep}`).pop() ?? '';
    const keep = KEEP_ONLY[name];
    if (keep !== undefined) {
      for (const p of keep) if (existsSync(join(dir, p))) cpSync(join(dir, p), join(to, p), { recursive: true });
      continue;
    }
    cpSync(dir, to, {
      recursive: true,
      filter: (src) => src !== join(dir, 'node_modules') && !(SKIP_FILE.test(src) && statSync(src).isFile() && basename(src) !== 'package.json'),
    });
  }
}

/**
 * What must never be in a system build: any top-level entry but system/ and
 * package.json (tsc emits harness/ there if system/ ever imports it), and a
 * bare import of a harness-only package or of one that is not a production
 * dependency in package.json (it would be missing where only those exist).
 */
export function buildProblems(out: string, imports: string[] = bareImports(out)): string[] {
  const problems = readdirSync(out).filter((e) => e !== 'system' && e !== 'package.json').map((e) => `${e}: only system/ belongs in the build (does system/ import it?)`);
  const production = readManifest(ROOT).dependencies ?? {};
  for (const name of imports) {
    if (HARNESS_ONLY.includes(name)) problems.push(`imports "${name}", a harness-only package`);
    else if (production[name] === undefined) problems.push(`imports "${name}", which is not in package.json "dependencies"`);
  }
  return problems;
}

/** Copies `names` and everything they need at run time from node_modules to `dest`; returns how many packages. */
export function copyRuntimeDependencies(names: string[], dest: string): number {
  const dirs = runtimeClosure(names);
  mkdirSync(dest, { recursive: true });
  copyPackages(dirs, ROOT_MODULES, dest);
  return dirs.length;
}

/** Compiles system/ to `out` and writes its package.json; returns the runtime packages it needs. */
export function buildSystem(out: string): string[] {
  rmSync(out, { recursive: true, force: true });
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out], { stdio: 'inherit', cwd: ROOT });
  cpSync(join(ROOT, 'system/coordinator/ui/assets'), join(out, 'system/coordinator/ui/assets'), { recursive: true });
  const names = [...new Set([...bareImports(out), ...DYNAMIC_DEPENDENCIES])].sort();
  const problems = buildProblems(out, names);
  if (problems.length > 0) throw new Error(`build-system: ${out} is not a system-only build:\n  ${problems.join('\n  ')}`);
  const root = readManifest(ROOT);
  const dependencies = Object.fromEntries(names.map((n) => [n, root.dependencies?.[n] ?? root.devDependencies?.[n] ?? '*']));
  // Written last: its mtime is the build's time (bin/squall.js compares it with system/'s sources).
  writeFileSync(join(out, 'package.json'), `${JSON.stringify({ name: 'squall-system', version: root.version, private: true, type: 'module', dependencies }, null, 2)}\n`);
  return names;
}

function main(): void {
  const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist' }, 'deps-to': { type: 'string' } } });
  const out = resolve(values.out);
  const t0 = process.hrtime.bigint();
  const names = buildSystem(out);
  process.stdout.write(`build-system: ${relative(process.cwd(), out) || out}/ compiled in ${Number((process.hrtime.bigint() - t0) / 1_000_000n)} ms; runtime packages: ${names.join(', ')}\n`);
  const depsTo = values['deps-to'];
  if (depsTo !== undefined) process.stdout.write(`build-system: ${copyRuntimeDependencies(names, resolve(depsTo))} packages copied to ${depsTo}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
