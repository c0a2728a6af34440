/**
 * bench:peers output: per-pair ratios and their medians as a table for the
 * terminal, and the same figures as a RunResult (kind 'bench-peers') so
 * `squall report compare BASELINE NEW` flags a throughput or paced-p99
 * regression (harness/report/compare.ts).
 */
import { makeRunId } from '../../harness/report/write.js';
import type { RunResultInput, SloResult } from '../../harness/report/model.js';
import { SQUALL_VERSION } from '../../harness/version.js';
import { median } from './histogram.js';
import { type PeerConfig, type SideResult, totalCpuUs } from './peer-types.js';

/** One interleaved A/B pair. */
export interface Pair {
  pair: number;
  order: string;
  squall: SideResult;
  bullmq: SideResult;
}

/** squall over BullMQ for each compared figure of one pair. */
function pairRatios(p: Pair): { throughput: number; p50: number; p99: number; cpu: number } {
  const r = (a: number, b: number): number => (b === 0 ? Number.NaN : Math.round((a / b) * 100) / 100);
  return {
    throughput: r(p.squall.max.tasksPerSec, p.bullmq.max.tasksPerSec),
    p50: r(p.squall.paced.submitToCompleteMs.p50, p.bullmq.paced.submitToCompleteMs.p50),
    p99: r(p.squall.paced.submitToCompleteMs.p99, p.bullmq.paced.submitToCompleteMs.p99),
    cpu: r(totalCpuUs(p.squall), totalCpuUs(p.bullmq)),
  };
}

const cpuCell = (s: SideResult): string => `${totalCpuUs(s)} (${Object.entries(s.cpuUsPerTask).map(([k, v]) => `${k} ${v}`).join(', ')})`;

/** Medians over the pairs (tasks/s, ms, µs, and squall/BullMQ ratios). */
export interface Medians {
  squallTasksPerSec: number;
  bullmqTasksPerSec: number;
  throughputRatio: number;
  squallP50: number;
  squallP99: number;
  bullmqP99: number;
  p99Ratio: number;
  cpuRatio: number;
  coordinatorUs: number;
}

/** The medians everything downstream (targets, result.json) is judged on. */
export function medians(pairs: readonly Pair[]): Medians {
  const ratios = pairs.map(pairRatios);
  return {
    squallTasksPerSec: median(pairs.map((p) => p.squall.max.tasksPerSec)),
    bullmqTasksPerSec: median(pairs.map((p) => p.bullmq.max.tasksPerSec)),
    throughputRatio: median(ratios.map((r) => r.throughput)),
    squallP50: median(pairs.map((p) => p.squall.paced.submitToCompleteMs.p50)),
    squallP99: median(pairs.map((p) => p.squall.paced.submitToCompleteMs.p99)),
    bullmqP99: median(pairs.map((p) => p.bullmq.paced.submitToCompleteMs.p99)),
    p99Ratio: median(ratios.map((r) => r.p99)),
    cpuRatio: median(ratios.map((r) => r.cpu)),
    coordinatorUs: median(pairs.map((p) => p.squall.cpuUsPerTask.coordinator ?? 0)),
  };
}

/** Markdown table: one row per pair, then the medians and the targets. */
export function formatPairs(pairs: readonly Pair[], cfg: PeerConfig, loadavg: number[]): string {
  const lines = [
    `${cfg.tasks} no-op tasks, ${cfg.workers} workers x ${cfg.concurrency} in ${cfg.processes} process(es); paced ${cfg.rate}/s for ${cfg.pacedSec} s (first ${cfg.warmupSec} s not recorded); load average ${loadavg.map((l) => l.toFixed(1)).join(' ')}`,
    `durability: squall ${pairs[0]?.squall.durability ?? '?'}; BullMQ ${pairs[0]?.bullmq.durability ?? '?'}`,
    '',
    '| pair | order | squall tasks/s | BullMQ tasks/s | ratio | squall paced p50/p99 ms | BullMQ paced p50/p99 ms | p99 ratio | squall CPU µs/task | BullMQ CPU µs/task | CPU ratio |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |',
  ];
  for (const p of pairs) {
    const r = pairRatios(p);
    const sp = p.squall.paced.submitToCompleteMs;
    const bp = p.bullmq.paced.submitToCompleteMs;
    lines.push(`| ${p.pair} | ${p.order} | ${p.squall.max.tasksPerSec} | ${p.bullmq.max.tasksPerSec} | ${r.throughput} | ${sp.p50}/${sp.p99} | ${bp.p50}/${bp.p99} | ${r.p99} | ${cpuCell(p.squall)} | ${cpuCell(p.bullmq)} | ${r.cpu} |`);
  }
  const m = medians(pairs);
  lines.push(`| median | | ${m.squallTasksPerSec} | ${m.bullmqTasksPerSec} | **${m.throughputRatio}** | p99 ${m.squallP99} | p99 ${m.bullmqP99} | **${m.p99Ratio}** | coordinator ${m.coordinatorUs} | | **${m.cpuRatio}** |`);
  const saturated = pairs.filter((p) => p.squall.max.tasksPerSec < cfg.rate || p.bullmq.max.tasksPerSec < cfg.rate).length;
  if (saturated > 0) {
    lines.push('', `note: in ${saturated} pair(s) a system's max throughput was below the paced rate ${cfg.rate}/s: its paced latencies measure a growing queue, not one task`);
  }
  lines.push('', 'targets (measured here, never asserted in tests):');
  for (const s of peerSlos(pairs)) lines.push(`  ${s.passed ? 'met    ' : 'NOT met'}  ${s.name}: ${String(s.measured)} (target ${String(s.target)})`);
  return lines.join('\n');
}

/** The issue's three targets as SLO rows. */
function peerSlos(pairs: readonly Pair[]): SloResult[] {
  const m = medians(pairs);
  return [
    { name: 'max durable throughput >= 2x BullMQ (median of per-pair ratios)', target: 2, measured: m.throughputRatio, unit: 'x', passed: m.throughputRatio >= 2 },
    { name: 'paced p99 submit -> durably completed <= BullMQ p99 (median ratio)', target: 1, measured: m.p99Ratio, unit: 'x', passed: m.p99Ratio <= 1 },
    { name: 'coordinator CPU per task <= 40 µs (median)', target: 40, measured: m.coordinatorUs, unit: 'µs', passed: m.coordinatorUs <= 40 },
  ];
}

/** The RunResult written as result.json. `passed` = every run completed all its tasks. */
export function peersRunResult(pairs: readonly Pair[], cfg: PeerConfig, startedAt: Date, wallMs: number): RunResultInput {
  const m = medians(pairs);
  const sides = pairs.flatMap((p) => [p.squall, p.bullmq]);
  const expected = sides.length * cfg.tasks;
  const completed = sides.reduce((a, s) => a + Math.min(s.max.completed, cfg.tasks), 0);
  const duplicated = sides.reduce((a, s) => a + Math.max(0, s.max.completed - cfg.tasks), 0);
  const ok = sides.every((s) => !s.max.timedOut && !s.paced.timedOut);
  return {
    schemaVersion: 1,
    runId: makeRunId({ kind: 'bench-peers', scenario: `w${cfg.workers}c${cfg.concurrency}`, startedAt }),
    kind: 'bench-peers',
    startedAt: startedAt.toISOString(),
    version: SQUALL_VERSION,
    description: `bench:peers squall vs BullMQ: ${cfg.tasks} tasks, ${cfg.workers} workers x ${cfg.concurrency}, ${pairs.length} interleaved pairs`,
    passed: ok && duplicated === 0 && completed === expected,
    wallMs,
    promisesChecked: [],
    metrics: {
      completions: { expected, completed, lost: expected - completed, duplicated },
      throughput: {
        tasksPerSec: m.squallTasksPerSec,
        peerTasksPerSec: m.bullmqTasksPerSec,
        peerRatio: m.throughputRatio,
        pacedP50Ms: m.squallP50,
        pacedP99Ms: m.squallP99,
        coordinatorUsPerTask: m.coordinatorUs,
      },
    },
    slo: peerSlos(pairs),
    config: cfg,
    pairs: pairs.map((p) => ({ ...p, ratios: pairRatios(p) })),
  } as RunResultInput;
}
