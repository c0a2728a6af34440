#!/usr/bin/env node
// Entry point for `squall`.
// - System commands (coordinator, worker, submit, tokens, ...) run the compiled
//   build in dist/ (`npm run build`) when it exists and is newer than every
//   file under system/; a stale build is skipped, saying so, so an edit is
//   never silently ignored.
// - Everything else (sim, suite, run, report, replay, ... and --help) runs the
//   TypeScript CLI (harness/cli/main.ts) through tsx's ESM loader.
// - Where only dist/ is present (no sources, or no tsx: a system-only
//   install), the system CLI answers everything.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const distManifest = fileURLToPath(new URL('../dist/package.json', import.meta.url));
const distProgram = new URL('../dist/system/cli/program.js', import.meta.url);
const distRunCli = new URL('../dist/system/cli/run-cli.js', import.meta.url);
const systemDir = fileURLToPath(new URL('../system/', import.meta.url));
const harnessMain = new URL('../harness/cli/main.ts', import.meta.url);

/** The newest modification time under system/: files, and folders (a deleted file changes its folder's); 0 without sources. */
function newestSource() {
  if (!existsSync(systemDir)) return 0;
  let newest = 0;
  for (const f of readdirSync(systemDir, { recursive: true, encoding: 'utf8' })) {
    if (f.endsWith('.test.ts')) continue;
    newest = Math.max(newest, statSync(systemDir + f).mtimeMs);
  }
  return newest;
}

async function runDist(command) {
  const { systemProgram } = await import(distProgram.href);
  const program = systemProgram();
  if (command !== undefined && !program.commands.some((c) => c.name() === command)) return false;
  const { runCli } = await import(distRunCli.href);
  await runCli(program, process.argv);
  return true;
}

async function runSources() {
  const { register } = await import('tsx/esm/api');
  register();
  await import(harnessMain.href);
}

const command = process.argv[2];
const built = existsSync(distManifest);
const fresh = built && statSync(distManifest).mtimeMs >= newestSource();
if (built && !fresh) process.stderr.write('squall: dist/ is older than system/ (npm run build); running the sources\n');
const canRunSources = existsSync(fileURLToPath(harnessMain));
if (!(fresh && (await runDist(canRunSources ? command : undefined)))) {
  if (canRunSources) await runSources();
  else process.stderr.write('squall: neither dist/ (npm run build) nor the harness sources are here\n'), (process.exitCode = 2);
}
