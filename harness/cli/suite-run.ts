/**
 * `squall suite`: plans every scenario file of a directory (× --seeds) plus
 * the pinned regression artifacts of <dir>/regressions/, runs this shard's
 * slice, prints the table and writes the suite's report and junit.xml.
 * Kept apart from sim-commands.ts so the command's wiring stays small.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { renderJunitXml } from '../report/junit.js';
import { parseRunResult, type RunResultInput } from '../report/model.js';
import { writeReport } from '../report/write.js';
import { readArtifact } from '../scenario/artifact.js';
import { loadScenario } from '../scenario/loader.js';
import { toSimJson, type CheckedSimRun } from '../scenario/run.js';
import type { Scenario } from '../scenario/schema.js';
import type { ScheduledFault } from '../scenario/swarm.js';
import { marksSummary, renderUnreachedMarks } from './marks-report.js';
import { parseShard, shardLabel, shardSlice } from './shard.js';
import { type PlannedUnit, runPlan, type SweepOutcome } from './sweep-run.js';
import { renderTable } from '../report/table.js';

/** The suite command's flags. */
export interface SuiteFlags {
  dir: string;
  seed?: number;
  seeds?: number;
  only?: string;
  json?: boolean;
  report?: boolean;
  reportDir: string;
  shard?: string;
  junit?: string;
  regressions: boolean;
  store?: 'memory' | 'sqlite';
  buggify?: boolean;
}

/** How the suite runs one unit (the CLI's runOne). */
export type SuiteRunOne = (file: string, scenario: Scenario, seed: number, flags: { report: boolean; reportDir: string; swarm?: ScheduledFault[]; store?: 'memory' | 'sqlite'; buggify?: boolean }) => Promise<CheckedSimRun>;

/** A planned unit that replays a pinned artifact. */
interface RegressionUnit extends PlannedUnit {
  swarm: ScheduledFault[];
  /** Pinned from a BUGGIFY run: replays with BUGGIFY on, whatever the suite's flag. */
  buggify: boolean;
}

const out = (s: string): void => void process.stdout.write(`${s}\n`);
const secs = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(1)} s`);

/** Name under which a pinned artifact runs: distinct from the scenario's own seeds. */
function regressionUnitName(file: string): string {
  return `regressions/${basename(file).replace(/\.json$/, '')}`;
}

/** A scenario file the suite could not load: one failed row, the rest of the suite runs. */
export interface UnloadableFile {
  file: string;
  reason: string;
}

/**
 * Every (scenario, seed) the suite means to run, in a fixed order: scenario
 * files by name, then pinned regressions. A file that does not load goes to
 * `unloadable` when given (the suite fails it and runs the rest), else throws.
 */
export async function planSuite(flags: Pick<SuiteFlags, 'dir' | 'seed' | 'seeds' | 'only' | 'regressions'>, unloadable?: UnloadableFile[]): Promise<PlannedUnit[]> {
  const only = flags.only?.split(',').map((s) => s.trim());
  const files = (await readdir(flags.dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const plan: PlannedUnit[] = [];
  for (const f of files) {
    const s = await loadScenario(join(flags.dir, f)).catch((err: unknown) => {
      if (unloadable === undefined) throw err;
      // Its name is unknown: --only matches it by file name.
      if (only === undefined || only.includes(basename(f).replace(/\.ya?ml$/, ''))) unloadable.push({ file: join(flags.dir, f), reason: err instanceof Error ? err.message : String(err) });
      return undefined;
    });
    if (s === undefined) continue;
    if (only !== undefined && !only.includes(s.name) && !only.includes(basename(f).replace(/\.ya?ml$/, ''))) continue;
    const first = flags.seed ?? s.seed;
    for (let k = 0; k < (flags.seeds ?? 1); k++) plan.push({ file: join(flags.dir, f), loaded: s, scenario: s.name, seed: first + k });
  }
  if (!flags.regressions || only !== undefined) return plan;
  const regDir = join(flags.dir, 'regressions');
  const pinned = (await readdir(regDir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
  for (const f of pinned) {
    const a = await readArtifact(join(regDir, f));
    const unit: RegressionUnit = { file: join(regDir, f), loaded: a.scenario, scenario: regressionUnitName(f), seed: a.seed, swarm: a.swarm, buggify: a.buggify === true };
    plan.push(unit);
  }
  return plan;
}

/** Writes the sweep/suite report when asked (always for a shard: `report merge` needs it) and junit.xml. */
export async function writeSweepOutputs(result: RunResultInput, flags: { report?: boolean; reportDir: string; shard?: string; junit?: string }): Promise<void> {
  if (flags.report === true || flags.shard !== undefined) process.stderr.write(`report: ${await writeReport(result, { dir: flags.reportDir })}\n`);
  if (flags.junit !== undefined) {
    await writeFile(flags.junit, renderJunitXml(parseRunResult(result)));
    process.stderr.write(`junit: ${flags.junit}\n`);
  }
}

/** The suite's human table: one row per run, then one per file that did not load. */
function suiteTable(runs: SweepOutcome['runs'], unloadable: readonly UnloadableFile[]): string {
  const notLoaded = unloadable.map((u) => [basename(u.file), '-', 'FAIL (load)', '-', '-', '-', '-', '-', '-', '-', '-']);
  return renderTable(
    ['scenario', 'seed', 'verdict', 'workers', 'faults', 'accepted', 'violations', 'converged', 'simulated', 'wall', 'speed'],
    [...runs.map(({ unit, run }) => {
      const j = toSimJson(run);
      return [
        unit.scenario,
        String(j.seed),
        j.passed ? 'pass' : 'FAIL',
        String(unit.loaded.fleet.workers),
        String(run.outcome.faults.length),
        String(j.accepted),
        String(j.violations.length),
        j.convergedAfterMs === null ? 'never' : `${j.convergedAfterMs} ms`,
        secs(j.simulatedMs),
        secs(j.wallMs),
        j.wallMs > 0 ? `${Math.round(j.simulatedMs / j.wallMs)}x` : '-',
      ];
    }), ...notLoaded],
    ['l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
}

/** One line per file the suite could not load: the file and why. */
function unloadableLines(files: readonly UnloadableFile[]): string[] {
  return files.map((u) => `FAIL ${u.file}: the scenario could not be loaded, so none of its runs ran: ${u.reason.split('\n').join(' | ')}`);
}

/** The suite command. A scenario file that does not load is one failed row (file and reason); the others still run. */
export async function suiteAction(flags: SuiteFlags, runOne: SuiteRunOne): Promise<void> {
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  const unloadable: UnloadableFile[] = [];
  const plan = await planSuite(flags, unloadable);
  // Each unloadable file fails in one shard only, as a unit would run in one.
  const mine = shardSlice(unloadable, shard);
  const perRunReports = flags.report === true && (flags.seeds ?? 1) === 1;
  const { runs, result } = await runPlan(
    plan,
    shard,
    (u) =>
      runOne(u.file, u.loaded, u.seed, {
        report: perRunReports,
        reportDir: flags.reportDir,
        ...('swarm' in u ? { swarm: (u as RegressionUnit).swarm } : {}),
        ...(flags.store === undefined ? {} : { store: flags.store }),
        ...(flags.buggify === true || (u as Partial<RegressionUnit>).buggify === true ? { buggify: true } : {}),
      }),
    'scenarios',
  );
  await writeSweepOutputs(mine.length === 0 ? result : { ...result, passed: false, description: `${result.description}; ${mine.length} scenario file(s) could not be loaded: ${mine.map((u) => u.file).join(', ')}` }, flags);
  const failed = runs.filter((r) => !r.run.passed).length + mine.length;
  const total = runs.length + mine.length;
  const jsons = runs.map((r) => ({ ...toSimJson(r.run), unit: r.unit.scenario }));
  const marks = marksSummary(jsons);
  if (flags.json === true) out(JSON.stringify({ runs: jsons, unloadable: mine, summary: { scenarios: total, failed, planned: plan.length + mine.length, shard: shard ?? null }, marks }));
  else {
    out(renderUnreachedMarks(marks, runs.length));
    out(suiteTable(runs, mine));
    for (const line of unloadableLines(mine)) out(line);
    const of = shard === undefined ? '' : ` (shard ${shardLabel(shard)}: ${runs.length} of ${plan.length} planned runs)`;
    out(failed === 0 ? `all ${total} runs passed every promise${of}` : `${failed} of ${total} runs FAILED${of} (artifacts in artifacts/)`);
  }
  if (failed > 0) process.exitCode = 1;
}
