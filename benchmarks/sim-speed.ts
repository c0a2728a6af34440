/**
 * `npm run bench:sim`: how fast the deterministic simulation runs (issue 14).
 * Each case runs a whole scenario as `squall sim` does (runChecked: the
 * simulation, then the checker over its history) at one seed:
 *
 * - `mixed-chaos`: 50 workers, 10 simulated minutes of swarm faults, then heal;
 * - `thundering-herd`: 500 workers lose the network at once and come back;
 * - `thundering-herd-2000`: the same file scaled to 2,000 workers, its
 *   workload scaled with it (4x tasks at 4x the rate: the same load per worker);
 * - `sweep`: `--sweep-seeds` mixed-chaos seeds in a row, reported as seeds
 *   per minute (wall, and per CPU minute) and the CPU minutes a 1,000-seed
 *   sweep would take.
 *
 * Figures: cpuSpeedup = simulated ms / CPU ms of the process while the
 * simulation ran (user + system, all threads) is the primary figure: the
 * machine is shared, and wall time includes waiting for a core. speedup =
 * simulated / wall ms. checkMs is the checker afterwards (wall). One JSON
 * line per case on stdout; a table on stderr.
 *
 * `--warmup N` runs each case N times at other seeds (seed+1, ...) before the
 * measured run, unmeasured: the figure of a warm process, as the seeds after
 * the first of a sweep get (a cold process spends a third or more of a herd's
 * CPU compiling and in unoptimised code). The default, 0, measures a fresh
 * process.
 *
 *   npm run bench:sim -- [--seed 1] [--only mixed-chaos|thundering-herd|thundering-herd-2000|sweep]
 *                        [--sweep-seeds 5] [--herd-workers 2000] [--warmup 0]
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { argNumber, argString } from './lib/args.js';
import { loadScenario } from '../harness/scenario/loader.js';
import { runChecked } from '../harness/scenario/run.js';
import type { Scenario } from '../harness/scenario/schema.js';
import { renderTable } from '../harness/report/table.js';

const CASES = ['mixed-chaos', 'thundering-herd', 'thundering-herd-2000', 'sweep'] as const;
type Case = (typeof CASES)[number];

const seed = argNumber('seed', 1);
const only = argString('only');
const sweepSeeds = argNumber('sweep-seeds', 5);
const herdWorkers = argNumber('herd-workers', 2000);
const warmup = argNumber('warmup', 0);
if (only !== undefined && !(CASES as readonly string[]).includes(only)) throw new Error(`--only must be one of ${CASES.join(', ')}, got ${JSON.stringify(only)}`);
const cases = CASES.filter((c) => only === undefined || c === only);

/** A scenario file under scenarios/, by name. */
async function scenarioFile(name: string): Promise<Scenario> {
  return loadScenario(fileURLToPath(new URL(`../scenarios/${name}.yaml`, import.meta.url)));
}

/**
 * thundering-herd with `workers` workers: the workload grows with the fleet
 * (count and rate times workers/500), so each worker carries the same load.
 */
function scaleHerd(herd: Scenario, workers: number): Scenario {
  const k = workers / herd.fleet.workers;
  return {
    ...herd,
    name: `${herd.name}-${workers}`,
    fleet: { ...herd.fleet, workers },
    workload: {
      ...herd.workload,
      items: herd.workload.items.map((i) => ({ ...i, count: Math.round(i.count * k), ...(i.ratePerSec === undefined ? {} : { ratePerSec: i.ratePerSec * k }) })),
    },
  };
}

interface Row {
  case: string;
  seed: number | string;
  simulatedMs: number;
  wallMs: number;
  cpuMs: number;
  speedup: number;
  cpuSpeedup: number;
  checkMs: number;
  passed: boolean;
  traceHash?: string;
  timersFired?: number;
  framesDelivered?: number;
  seedsPerMin?: number;
  seedsPerCpuMin?: number;
  cpuMinPer1000Seeds?: number;
  loadavg1: number;
}

async function one(name: string, scenario: Scenario): Promise<Row> {
  for (let k = 1; k <= warmup; k++) await runChecked(scenario, { seed: seed + k });
  const started = performance.now();
  const run = await runChecked(scenario, { seed });
  const totalMs = performance.now() - started;
  const s = run.outcome.stats;
  return {
    case: warmup > 0 ? `${name} (after ${warmup} warm-up run${warmup > 1 ? 's' : ''})` : name,
    seed,
    simulatedMs: s.simulatedMs,
    wallMs: Math.round(s.wallMs),
    cpuMs: Math.round(s.cpuMs),
    speedup: round(s.speedup),
    cpuSpeedup: round(s.simulatedMs / Math.max(1, s.cpuMs)),
    checkMs: Math.round(totalMs - s.wallMs),
    passed: run.passed,
    traceHash: run.outcome.traceHash,
    timersFired: s.timersFired,
    framesDelivered: s.framesDelivered,
    loadavg1: round(loadavg()[0] ?? 0),
  };
}

/** `sweepSeeds` mixed-chaos seeds in a row (seed, seed+1, ...): sim + checker, as a sweep runs them. */
async function sweep(): Promise<Row> {
  const scenario = await scenarioFile('mixed-chaos');
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  let simulatedMs = 0;
  let simWall = 0;
  let simCpu = 0;
  let passed = true;
  for (let k = 0; k < sweepSeeds; k++) {
    const run = await runChecked(scenario, { seed: seed + k });
    simulatedMs += run.outcome.stats.simulatedMs;
    simWall += run.outcome.stats.wallMs;
    simCpu += run.outcome.stats.cpuMs;
    passed &&= run.passed;
    process.stderr.write(`sweep: seed ${seed + k} ${run.passed ? 'passed' : 'FAILED'}\n`);
  }
  const wallMs = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    case: `sweep (${sweepSeeds} mixed-chaos seeds)`,
    seed: `${seed}..${seed + sweepSeeds - 1}`,
    simulatedMs,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(cpuMs),
    speedup: round(simulatedMs / simWall),
    cpuSpeedup: round(simulatedMs / Math.max(1, simCpu)),
    checkMs: Math.round(wallMs - simWall),
    passed,
    seedsPerMin: round((sweepSeeds * 60_000) / wallMs),
    seedsPerCpuMin: round((sweepSeeds * 60_000) / cpuMs),
    cpuMinPer1000Seeds: round((cpuMs / sweepSeeds) * 1000 / 60_000),
    loadavg1: round(loadavg()[0] ?? 0),
  };
}

async function runCase(c: Case): Promise<Row> {
  switch (c) {
    case 'mixed-chaos':
    case 'thundering-herd':
      return one(c, await scenarioFile(c));
    case 'thundering-herd-2000':
      return one(`thundering-herd-${herdWorkers}`, scaleHerd(await scenarioFile('thundering-herd'), herdWorkers));
    case 'sweep':
      return sweep();
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

const rows: Row[] = [];
for (const c of cases) {
  const row = await runCase(c);
  rows.push(row);
  console.log(JSON.stringify(row));
}
const header = ['case', 'simulated s', 'wall s', 'CPU s', 'CPU speedup', 'wall speedup', 'check s', 'passed', 'load'];
const lines = rows.map((r) => [r.case, r.simulatedMs / 1000, r.wallMs / 1000, r.cpuMs / 1000, `${r.cpuSpeedup}x`, `${r.speedup}x`, r.checkMs / 1000, r.passed ? 'yes' : 'NO', r.loadavg1].map(String));
process.stderr.write(renderTable(header, lines, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'r']) + '\n');
for (const r of rows) {
  if (r.seedsPerMin !== undefined) process.stderr.write(`${r.case}: ${r.seedsPerMin} seeds/min wall, ${r.seedsPerCpuMin} seeds per CPU minute; a 1,000-seed sweep ≈ ${r.cpuMinPer1000Seeds} CPU minutes\n`);
}
