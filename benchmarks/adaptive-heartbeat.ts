/**
 * Issue 13's sim measure of adaptive heartbeat timeouts: runs scenarios in
 * simulation with fixed and with adaptive timeouts over a few seeds and prints
 * a table: heartbeat timeouts (false half-open detections on links that are
 * slow but alive), disconnects, completed tasks, checker verdict. Then the
 * other half: a clean link blackholed, the time from the fault to detection on
 * each side, fixed vs adaptive (must be no worse).
 * `npm run bench:adaptive-heartbeat` (SEEDS=N, default 5).
 */
import { readFileSync } from 'node:fs';
import { parseScenario } from '../harness/scenario/loader.js';
import { runChecked } from '../harness/scenario/run.js';
import type { HistoryRecord } from '../harness/check/history.js';

const seeds = Number(process.env.SEEDS ?? 5);
const count = (h: readonly HistoryRecord[], f: string): number => h.filter((r) => r.f === f).length;

async function variantRow(file: string, adaptive: boolean): Promise<string> {
  const text = readFileSync(file, 'utf8');
  let timeouts = 0;
  let disconnects = 0;
  let completed = 0;
  let failedRuns = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const scenario = parseScenario(text, file);
    scenario.coordinator.adaptiveHeartbeat = adaptive;
    const r = await runChecked(scenario, { seed });
    timeouts += count(r.outcome.history, 'heartbeat_timeout');
    disconnects += count(r.outcome.history, 'disconnected');
    completed += r.outcome.history.filter((x) => x.f === 'result_recorded' && x.value.outcome === 'completed').length;
    if (!r.passed) failedRuns++;
  }
  return `| ${file} | ${adaptive ? 'adaptive' : 'fixed'} | ${seeds} | ${timeouts} | ${disconnects} | ${completed} | ${failedRuns} |`;
}

const HALF_OPEN = `name: half-open-clean
description: a clean link blackholed; time to detection on each side
fleet: { workers: 4, concurrency: 1 }
coordinator: { heartbeatMs: 1000, heartbeatTimeoutMs: 3000, leaseMs: 15000 }
workload:
  items: [{ kind: echo, count: 4, params: { value: 1 } }]
faults:
  - { at: 5000, for: 8000, target: all-workers, action: { type: timeout } }
phases: { faultsMs: 14000, healMs: 8000 }
`;

/** Mean time from the blackhole to heartbeat_timeout, per side, over the seeds. */
async function halfOpenRow(adaptive: boolean): Promise<string> {
  const by: Record<string, number[]> = { worker: [], coordinator: [] };
  for (let seed = 1; seed <= seeds; seed++) {
    const scenario = parseScenario(HALF_OPEN, 'half-open-clean.yaml');
    scenario.coordinator.adaptiveHeartbeat = adaptive;
    const r = await runChecked(scenario, { seed });
    const start = r.outcome.history.find((x) => x.process === 'nemesis')?.time ?? 5000;
    for (const x of r.outcome.history) if (x.f === 'heartbeat_timeout' && x.time >= start) by[String(x.value.side)]?.push(x.time - start);
  }
  const mean = (a: number[]): string => (a.length === 0 ? '—' : `${Math.round(a.reduce((s, x) => s + x, 0) / a.length)} ms (n=${a.length})`);
  return `| ${adaptive ? 'adaptive' : 'fixed'} | ${mean(by.worker ?? [])} | ${mean(by.coordinator ?? [])} |`;
}

const files = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['scenarios/high-latency.yaml', 'scenarios/slow-link.yaml'];
process.stdout.write('| scenario | timeouts | seeds | heartbeat timeouts | worker disconnects | completed | runs failing checks |\n|---|---|---|---|---|---|---|\n');
for (const f of files) for (const adaptive of [false, true]) process.stdout.write(`${await variantRow(f, adaptive)}\n`);
process.stdout.write('\n| clean link blackholed | worker detects after | coordinator detects after |\n|---|---|---|\n');
for (const adaptive of [false, true]) process.stdout.write(`${await halfOpenRow(adaptive)}\n`);
