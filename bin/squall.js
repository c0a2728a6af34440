#!/usr/bin/env node
// Entry point for `squall`.
// - System commands (coordinator, worker, submit, tokens, ...) run the compiled
//   build in dist/ (`npm run build`) when it exists and is newer than every
//   file under system/; a stale build is skipped, saying so, so an edit is
//   never silently ignored.
// - Everything else (sim, suite, run, report, replay, ... and --help) runs the
//   TypeScript CLI (harness/cli/main.ts) through tsx's ESM loader (with
//   bin/plain-names.mjs after it), with bin/harness-v8.mjs's V8 tuning.
// - Where only dist/ is present (no sources, or no tsx: a system-only
//   install), the system CLI answers everything.
import { existsSync } from 'node:fs';
import { register as registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';
import { distFreshness } from './dist-fresh.js';

const distProgram = new URL('../dist/system/cli/program.js', import.meta.url);
const distRunCli = new URL('../dist/system/cli/run-cli.js', import.meta.url);
const harnessMain = new URL('../harness/cli/main.ts', import.meta.url);

async function runDist(command) {
  const { systemProgram } = await import(distProgram.href);
  const program = systemProgram();
  if (command !== undefined && !program.commands.some((c) => c.name() === command)) return false;
  const { runCli } = await import(distRunCli.href);
  await runCli(program, process.argv);
  return true;
}

async function runSources() {
  await import('./harness-v8.mjs'); // before any module compiles: V8 tuning for a short simulation burst
  const { register } = await import('tsx/esm/api');
  register();
  // After tsx's hooks, so it sees their output: tsx's name helper made an identity (a tenth of a simulation's CPU).
  if (process.env.SQUALL_KEEP_NAMES !== '1') registerHooks('./plain-names.mjs', import.meta.url);
  await import(harnessMain.href);
}

const command = process.argv[2];
const { built, fresh } = distFreshness();
if (built && !fresh) process.stderr.write('squall: dist/ is older than system/ (npm run build); running the sources\n');
const canRunSources = existsSync(fileURLToPath(harnessMain));
if (!(fresh && (await runDist(canRunSources ? command : undefined)))) {
  if (canRunSources) await runSources();
  else process.stderr.write('squall: neither dist/ (npm run build) nor the harness sources are here\n'), (process.exitCode = 2);
}
