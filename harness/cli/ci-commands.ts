/**
 * CLI commands for CI: `squall report merge DIR...` (combine shard results
 * into one report and junit.xml, name the runs no shard covered) and
 * `squall regressions add ARTIFACT` (pin a failing seed so every later
 * suite replays it). Exit codes: 0 fine, 1 a failure or a gap, 2 bad input.
 */
import { writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { renderJunitXml } from '../report/junit.js';
import { findShardResults, mergeShardResults } from '../report/merge.js';
import { parseRunResult } from '../report/model.js';
import { writeReport } from '../report/write.js';
import { addRegression } from '../scenario/regressions.js';
import { renderTable } from '../report/table.js';

const out = (s: string): void => void process.stdout.write(`${s}\n`);

interface MergeFlags { out: string; junit?: string; json?: boolean }

async function mergeAction(dirs: string[], flags: MergeFlags): Promise<void> {
  const shards = await findShardResults(dirs);
  const m = mergeShardResults(shards);
  const dir = await writeReport(m.result, { dir: dirname(flags.out), runId: basename(flags.out) });
  const parsed = parseRunResult(m.result);
  if (flags.junit !== undefined) await writeFile(flags.junit, renderJunitXml(parsed));
  const rows = parsed.sweep ?? [];
  const failed = rows.filter((r) => !r.passed);
  if (flags.json === true) {
    out(JSON.stringify({ passed: parsed.passed, planned: parsed.plan?.units.length ?? 0, ran: rows.length, failed: failed.map((r) => ({ scenario: r.scenario, seed: r.seed })), uncovered: m.uncovered, duplicated: m.duplicated, sources: m.sources, report: dir }));
  } else {
    out(renderTable(['shard', 'runs', 'result.json'], m.sources.map((s) => [s.shard, String(s.units), s.path]), ['l', 'r', 'l']));
    out(`${rows.length} of ${parsed.plan?.units.length ?? 0} planned runs merged; ${failed.length} failed${failed.length > 0 ? `: ${failed.map((r) => `${r.scenario ?? ''} seed ${r.seed}`).join(', ')}` : ''}`);
    if (m.uncovered.length > 0) out(`NOT COVERED by any shard (${m.uncovered.length}): ${m.uncovered.map((u) => `${u.scenario} seed ${u.seed}`).join(', ')}`);
    for (const d of m.duplicated) out(`ran by more than one shard: ${d.unit.scenario} seed ${d.unit.seed}${d.traceHashes.length > 1 ? ` with DIFFERENT trace hashes ${d.traceHashes.join(' ')}` : ''}`);
    out(`report: ${dir}/index.html${flags.junit === undefined ? '' : `; junit: ${flags.junit}`}`);
  }
  const diverged = m.duplicated.some((d) => d.traceHashes.length > 1);
  if (!parsed.passed || diverged) process.exitCode = 1;
}

/** Registers `report merge` (under the existing `report` command) and `regressions add`. */
export function registerCiCommands(program: Command): void {
  const report = program.commands.find((c) => c.name() === 'report') ?? program.command('report').description('reports');
  report
    .command('merge')
    .description('merge the results of sharded sweeps/suites into one report and junit.xml; exit 1 on a failure or a run no shard covered')
    .argument('<dirs...>', 'directories (or result.json files) the shards wrote; searched 3 levels deep')
    .option('--out <dir>', 'the merged report directory', 'reports/merged')
    .option('--junit <path>', 'also write the merged junit.xml here')
    .option('--json', 'print one JSON object on stdout')
    .action(mergeAction);

  const regressions = program.command('regressions').description('pinned failure seeds under scenarios/regressions/');
  regressions
    .command('add')
    .description('pin a failing replay artifact: the suite and the test suite replay it from then on')
    .argument('<artifact>', 'artifact JSON written by a failing run (artifacts/<scenario>-seed-<n>.json)')
    .option('--dir <dir>', 'where pinned artifacts live', 'scenarios/regressions')
    .option('--note <text>', 'what it found, in a sentence (default: the first violation)')
    .option('--name <kebab>', 'label for the file name (default: the violated promise)')
    .option('--allow-passing', 'pin an artifact that passed (a schedule worth keeping)')
    .action(async (artifact: string, flags: { dir: string; note?: string; name?: string; allowPassing?: boolean }) => {
      const { path, pinned } = await addRegression(artifact, flags);
      out(`pinned ${pinned.pinned.scenario} seed ${pinned.pinned.seed} (trace ${pinned.traceHash.slice(0, 16)}): ${pinned.pinned.violation}`);
      out(`  -> ${path}`);
      out('  `squall suite` and `npm test` (tests/sim/regressions.test.ts) replay it from now on; it fails until the defect is fixed. Commit it with the fix.');
    });
}
