/**
 * `squall sim`, `squall replay` and `squall suite`: scenario files in
 * deterministic simulation. Exit codes: 0 all promises held, 1 a violation
 * (or a replay that did not reproduce), 2 bad input (the message says what
 * and where).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import fc from 'fast-check';
import { choiceOption, intOption } from '../../system/cli/index.js';
import { InvalidArgumentError } from '../../system/core/index.js';
import { formatViolation } from '../check/index.js';
import { type Artifact, makeArtifact, readArtifact, writeArtifact } from '../scenario/artifact.js';
import { loadScenario } from '../scenario/loader.js';
import { type CheckedSimRun, runChecked, toSimJson } from '../scenario/run.js';
import type { Scenario } from '../scenario/schema.js';
import { type ScheduledFault, swarmArbitrary } from '../scenario/swarm.js';
import { marksSummary, renderUnreachedMarks } from './marks-report.js';
import { parseShard, shardLabel } from './shard.js';
import { type PlannedUnit, runPlan, writeSimReport } from './sweep-run.js';
import { type SuiteFlags, suiteAction, writeSweepOutputs } from './suite-run.js';
import { renderTable } from '../report/table.js';
import { REPLAY_EXIT, REPLAY_EXIT_HELP, replayVerdict } from './replay-verdict.js';

const out = (s: string): void => {
  process.stdout.write(`${s}\n`);
};
const err = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

function defaultArtifactPath(scenario: Scenario, seed: number): string {
  return join('artifacts', `${scenario.name}-seed-${seed}.json`);
}

function secs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** One readable paragraph for a run. */
export function describeRun(run: CheckedSimRun): string {
  const j = toSimJson(run);
  const speed = j.wallMs > 0 ? `${Math.round(j.simulatedMs / j.wallMs)}x` : '-';
  const lines = [
    `${j.scenario}  seed ${j.seed}  ${j.passed ? 'PASSED' : 'FAILED'}  simulated ${secs(j.simulatedMs)} in ${secs(j.wallMs)} (${speed})  trace ${j.traceHash.slice(0, 16)}`,
    `  accepted ${j.accepted} of ${j.planned} planned executions; ${j.convergedAfterMs === null ? 'did NOT converge within the heal bound' : `all work done ${run.slo.measured.allWorkDoneAfterHealMs ?? '?'} ms after heal (convergence seen after ${j.convergedAfterMs} ms)`}`,
  ];
  for (const s of j.slo) lines.push(`  slo ${s.name}: ${s.value ?? 'n/a'} (limit ${s.limit}) ${s.passed ? 'ok' : 'MISSED'}`);
  if (run.crash !== undefined) lines.push(`  CRASHED (${run.crash.origin}): ${run.crash.message}`, ...(run.crash.stack ?? '').split('\n').slice(1, 6).map((l) => `    ${l.trim()}`));
  for (const p of j.problems) lines.push(`  NOT A VALID TEST: ${p}`);
  if (j.buggify !== null) lines.push(`  buggify fired: ${Object.entries(j.buggify).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  for (const r of j.faults.refused) lines.push(`  fault ${r.id} (${r.action} on ${r.target} at ${r.at} ms) REFUSED: ${r.reason}; the run stopped there`);
  for (const v of run.violations) lines.push(formatViolation(v).replace(/^/gm, '  '));
  return lines.join('\n');
}

interface SimFlags {
  seed?: number;
  seeds?: number;
  json?: boolean;
  artifact?: string;
  checkDeterminism?: boolean;
  explore?: number;
  report?: boolean;
  reportDir: string;
  store?: 'memory' | 'sqlite';
  buggify?: boolean;
  shard?: string;
  junit?: string;
  /** A pinned swarm schedule (regression artifacts replay theirs). */
  swarm?: ScheduledFault[];
}

/** Runs one seed: checks, determinism check, artifact on failure, optional report. */
async function runOne(file: string, scenario: Scenario, seed: number, flags: SimFlags): Promise<CheckedSimRun> {
  const startedAt = new Date();
  const opts = { seed, ...(flags.store === undefined ? {} : { store: flags.store }), ...(flags.buggify === true ? { buggify: true } : {}), ...(flags.swarm === undefined ? {} : { swarm: flags.swarm }) };
  const run = await runChecked(scenario, opts);
  if (flags.checkDeterminism === true) {
    const again = await runChecked(scenario, opts);
    if (again.outcome.traceHash !== run.outcome.traceHash) {
      err(`NOT deterministic: seed ${seed} gave trace ${run.outcome.traceHash} then ${again.outcome.traceHash}`);
      process.exitCode = 1;
    } else if (flags.json !== true) {
      err(`deterministic: two runs of seed ${seed} gave the same trace hash`);
    }
  }
  if (!run.passed || flags.artifact !== undefined) {
    const path = flags.artifact ?? defaultArtifactPath(scenario, seed);
    await writeArtifact(path, makeArtifact(run, { scenarioFile: file }));
    err(`artifact written: ${path}  (replay: squall replay ${path})`);
  }
  if (flags.report === true) err(`report: ${await writeSimReport(run, startedAt, flags.reportDir)}`);
  return run;
}

async function sweep(file: string, scenario: Scenario, first: number, count: number, flags: SimFlags): Promise<void> {
  const plan: PlannedUnit[] = Array.from({ length: count }, (_v, i) => ({ file, loaded: scenario, scenario: scenario.name, seed: first + i }));
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  const { runs: done, result } = await runPlan(plan, shard, (u) => runOne(file, scenario, u.seed, { ...flags, report: false }), `${scenario.name} seeds`);
  const runs = done.map((d) => toSimJson(d.run));
  const failed = runs.filter((r) => !r.passed).length;
  const summary = { seeds: runs.length, passed: runs.length - failed, failed, failingSeeds: runs.filter((r) => !r.passed).map((r) => r.seed), shard: shard ?? null, planned: count };
  await writeSweepOutputs(result, flags);
  const marks = marksSummary(runs);
  if (flags.json === true) out(JSON.stringify({ scenario: scenario.name, runs, summary, marks }));
  else {
    out(renderUnreachedMarks(marks, runs.length));
    out(renderTable(['seed', 'verdict', 'violations', 'simulated', 'wall', 'trace'], runs.map((r) => [String(r.seed), r.passed ? 'pass' : 'FAIL', String(r.violations.length), secs(r.simulatedMs), secs(r.wallMs), r.traceHash.slice(0, 12)])));
    out(`${summary.passed}/${runs.length} seeds passed${shard === undefined ? '' : ` (shard ${shardLabel(shard)} of ${count} planned)`}${failed > 0 ? `; failing: ${summary.failingSeeds.join(', ')}` : ''}`);
  }
  if (failed > 0) process.exitCode = 1;
}

/** fast-check searches swarm schedules; a failure is shrunk to a minimal schedule and saved. */
async function explore(file: string, scenario: Scenario, seed: number, numRuns: number, flags: SimFlags): Promise<void> {
  let last: CheckedSimRun | undefined;
  const result = await fc.check(
    fc.asyncProperty(swarmArbitrary(scenario), async (swarm) => {
      last = await runChecked(scenario, { seed, swarm });
      return last.passed;
    }),
    { seed, numRuns, endOnFailure: false },
  );
  if (!result.failed || result.counterexample === null) {
    out(`explored ${result.numRuns} swarm schedules of ${scenario.name} (fast-check seed ${seed}): all passed`);
    return;
  }
  const [swarm] = result.counterexample;
  const run = await runChecked(scenario, { seed, swarm });
  last = run;
  const path = flags.artifact ?? join('artifacts', `${scenario.name}-explore-${seed}.json`);
  await writeArtifact(path, makeArtifact(run, { scenarioFile: file, fastCheck: { seed, path: result.counterexamplePath ?? '', numRuns } }));
  out(`fast-check found a failing schedule after ${result.numRuns} runs, shrunk ${result.numShrinks} times to ${swarm.length} fault(s)`);
  out(describeRun(last));
  err(`artifact written: ${path}  (replay: squall replay ${path})`);
  process.exitCode = 1;
}

/** `squall sim`: one run, a seed sweep, or a fast-check exploration of a scenario file. */
function registerSim(program: Command): void {
  program
    .command('sim')
    .description('run a scenario file in deterministic simulation and check every promise')
    .argument('<file>', 'scenario file (YAML)')
    .option('--seed <n>', 'seed (default: the file\'s seed)', intOption('--seed', 0))
    .option('--seeds <k>', 'sweep k seeds starting at --seed', intOption('--seeds', 1, 100000))
    .option('--json', 'print one JSON object on stdout')
    .option('--artifact <path>', 'write a replay artifact (always; failures write one anyway)')
    .option('--check-determinism', 'run twice and compare trace hashes')
    .option('--store <kind>', "the coordinator's store: memory (default) or sqlite (the production store in a temp file)", choiceOption('--store', ['memory', 'sqlite'] as const))
    .option('--explore <runs>', 'let fast-check search swarm schedules and shrink a failure', intOption('--explore', 1, 100000))
    .option('--report', 'write reports/<run-id>/ (result.json, summary.md, index.html, junit.xml)')
    .option('--report-dir <dir>', 'where reports go', 'reports')
    .option('--buggify', 'widen rare windows at seeded points in the seams (BUGGIFY); replayable from the seed')
    .option('--shard <i/k>', 'with --seeds: run only slice I of K (round-robin over the seeds); merge with `squall report merge`')
    .option('--junit <path>', 'with --seeds: also write the sweep\'s junit.xml here')
    .action(async (file: string, flags: SimFlags) => {
      const scenario = await loadScenario(file);
      const seed = flags.seed ?? scenario.seed;
      if (flags.explore !== undefined) return explore(file, scenario, seed, flags.explore, flags);
      if (flags.seeds !== undefined) return sweep(file, scenario, seed, flags.seeds, flags);
      if (flags.shard !== undefined) throw new InvalidArgumentError('--shard splits a sweep: use it with --seeds N', '--shard');
      const run = await runOne(file, scenario, seed, flags);
      out(flags.json === true ? JSON.stringify(toSimJson(run)) : describeRun(run));
      if (!run.passed) process.exitCode = 1;
    });
}

/** `squall replay`: re-runs an artifact and says whether it reproduced, exit code per REPLAY_EXIT. */
async function replay(file: string, flags: { json?: boolean }): Promise<void> {
  const artifact: Artifact = await readArtifact(file);
  const run = await runChecked(artifact.scenario, { seed: artifact.seed, swarm: artifact.swarm, ...(artifact.buggify === true ? { buggify: true } : {}) });
  const verdict = replayVerdict(artifact, run);
  if (flags.json === true) out(JSON.stringify({ ...toSimJson(run), reproduced: verdict.code === REPLAY_EXIT.reproducedPass, verdict: verdict.message, exitCode: verdict.code, expectedTraceHash: artifact.traceHash }));
  else out(`${describeRun(run)}\n${verdict.message}`);
  process.exitCode = verdict.code;
}

function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('re-run a replay artifact in simulation: same trace hash, same verdict (a pinned regression whose defect was fixed now passes: exit 4)')
    .argument('<file>', 'artifact JSON (from a failure, --artifact, or scenarios/regressions/)')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText('after', REPLAY_EXIT_HELP)
    .action(replay);
}

function registerSuite(program: Command): void {
  program
    .command('suite')
    .description('run every scenario file in simulation and print a table (the main job on embedded defaults)')
    .option('--dir <dir>', 'scenario directory', 'scenarios')
    .option('--seed <n>', 'seed for every scenario (default: each file\'s seed)', intOption('--seed', 0))
    .option('--only <names>', 'comma-separated scenario names')
    .option('--json', 'print one JSON object on stdout')
    .option('--report', 'write a report per scenario')
    .option('--report-dir <dir>', 'where reports go', 'reports')
    .option('--store <kind>', "the coordinator's store: memory (default) or sqlite", choiceOption('--store', ['memory', 'sqlite'] as const))
    .option('--buggify', 'BUGGIFY every scenario (seeded stress in the seams)')
    .option('--seeds <k>', 'run k seeds of every scenario, from its seed (or --seed) on', intOption('--seeds', 1, 100000))
    .option('--shard <i/k>', 'run only slice I of K of the planned (scenario, seed) runs; merge with `squall report merge`')
    .option('--junit <path>', 'also write one junit.xml for the whole suite here')
    .option('--no-regressions', 'skip replaying the pinned artifacts of <dir>/regressions/')
    .action((flags: SuiteFlags) => suiteAction(flags, (file, s, seed, f) => runOne(file, s, seed, f)));
}

/** The simulation commands: sim, replay and suite. */
export function registerSimCommands(program: Command): void {
  registerSim(program);
  registerReplay(program);
  registerSuite(program);
}
