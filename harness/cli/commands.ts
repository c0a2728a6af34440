/**
 * Harness commands of the `squall` CLI: sim, replay, suite (simulation), run
 * (sim or live), bench reconnect, proxy (live harness), report compare.
 */
import type { Command } from 'commander';
import { intOption } from '../../system/cli/index.js';
import { registerLiveCommands } from './live-commands.js';
import { compareCommand } from '../report/compare.js';
import { makeArtifact, writeArtifact } from '../scenario/artifact.js';
import { runChecked, toSimJson } from '../scenario/run.js';
import { registerCiCommands } from './ci-commands.js';
import { describeRun, registerSimCommands } from './sim-commands.js';
import { writeSimReport } from './sweep-run.js';

function registerReportCommands(program: Command): void {
  const report = program.commands.find((c) => c.name() === 'report') ?? program.command('report').description('reports');
  report
    .command('compare')
    .description('compare a run with a baseline; exit 1 on a regression, 2 on bad input')
    .argument('<base>', 'baseline result.json or report directory')
    .argument('<new>', 'new result.json or report directory')
    .option('--tolerance-pct <pct>', 'allowed growth of latency figures before it counts as a regression', intOption('--tolerance-pct', 0, 1000), 10)
    .option('--only-changed', 'show only rows that changed')
    .action(async (base: string, next: string, flags: { tolerancePct: number; onlyChanged?: boolean }) => {
      const { exitCode, text } = await compareCommand(base, next, { tolerancePct: flags.tolerancePct, onlyChanged: flags.onlyChanged === true });
      (exitCode === 2 ? process.stderr : process.stdout).write(`${text}\n`);
      process.exitCode = exitCode;
    });
}

export function registerHarnessCommands(program: Command): void {
  registerSimCommands(program);
  registerLiveCommands(program, {
    runSim: async (scenario, opts) => {
      const startedAt = new Date();
      const run = await runChecked(scenario, opts.seed === undefined ? {} : { seed: opts.seed });
      if (!run.passed) {
        const path = `artifacts/${scenario.name}-seed-${run.outcome.seed}.json`;
        await writeArtifact(path, makeArtifact(run, { scenarioFile: opts.file }));
        process.stderr.write(`artifact written: ${path}\n`);
      }
      if (opts.reportDir !== undefined) process.stderr.write(`report: ${await writeSimReport(run, startedAt, opts.reportDir)}\n`);
      process.stdout.write(`${opts.json ? JSON.stringify(toSimJson(run)) : describeRun(run)}\n`);
      return run.passed;
    },
  });
  registerReportCommands(program);
  registerCiCommands(program);
}
