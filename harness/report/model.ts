/**
 * RunResult: the one data model every report is written from. `squall sim`,
 * `squall run --mode live` and `squall bench reconnect` each fill what they
 * measured and leave the rest out; the writer renders whatever is present.
 * The zod schema is the single source: the type is inferred from it and a
 * `result.json` read back (e.g. by `squall report compare`) is validated with it.
 *
 * Objects are "loose": producers may add fields (e.g. the events around a
 * violation) and they survive a round trip through result.json.
 *
 * Reconnect samples are stored grouped and columnar (one group per
 * strategy × condition × fleet size with parallel `ms` / `beyondBackoffMs`
 * arrays rounded to microseconds): exact CDFs, about 8 bytes per sample.
 */
import { z } from 'zod';
import { exactSummary, InvalidArgumentError, type LatencySummary as StatsSummary } from '../../system/core/index.js';
import { PROMISES as CHECKER_PROMISES } from '../check/promises.js';

/** Bumped on any incompatible change of the shape below. */
export const RUN_RESULT_SCHEMA_VERSION = 1 as const;

/** What produced the result. */
export const RunKind = { Sim: 'sim', Live: 'live', BenchReconnect: 'bench-reconnect', BenchPeers: 'bench-peers' } as const;
export type RunKind = (typeof RunKind)[keyof typeof RunKind];

const ms = z.number().finite().nonnegative();
const count = z.number().int().nonnegative();

/** A broken promise found by the checker; `promise` is the number (1..10) of ARCHITECTURE.md or a slug. */
export const ViolationSchema = z.looseObject({
  promise: z.union([z.number().int(), z.string()]),
  name: z.string(),
  message: z.string(),
  executionId: z.string().optional(),
  workerId: z.string().optional(),
  /** The history records around the offending one, one formatted line each (harness/check formatRecord). */
  events: z.array(z.string()).optional(),
});
export type Violation = z.infer<typeof ViolationSchema>;

/** Percentiles in milliseconds. */
export const LatencySummarySchema = z.looseObject({ p50: ms, p95: ms, p99: ms, max: ms, count });
export type LatencySummary = z.infer<typeof LatencySummarySchema>;

export const CompletionsSchema = z.looseObject({ expected: count, completed: count, lost: count, duplicated: count });
export type Completions = z.infer<typeof CompletionsSchema>;

export const MetricsSchema = z.looseObject({
  reconnect: LatencySummarySchema.optional(),
  completions: CompletionsSchema.optional(),
  eventLoopLagMs: z.looseObject({ p50: ms, p99: ms, max: ms }).optional(),
  cpuPercent: z.number().finite().nonnegative().optional(),
  /** Dispatch benchmarks (bench:peers): medians over the A/B pairs; compare flags a drop of tasksPerSec or peerRatio. */
  throughput: z
    .looseObject({
      tasksPerSec: ms,
      peerTasksPerSec: ms.optional(),
      /** squall over the peer, median of per-pair ratios. */
      peerRatio: ms.optional(),
      pacedP50Ms: ms.optional(),
      pacedP99Ms: ms.optional(),
      coordinatorUsPerTask: ms.optional(),
    })
    .optional(),
});
export type Metrics = z.infer<typeof MetricsSchema>;

/** One sample of the fleet's state; `t` is ms from the start of the run. */
export const TimelinePointSchema = z.looseObject({
  t: ms,
  connectedWorkers: count,
  completedTotal: count,
  throughputPerSec: z.number().finite().nonnegative(),
});
export type TimelinePoint = z.infer<typeof TimelinePointSchema>;

/** A fault interval, ms from the start of the run (`end` = heal). */
export const FaultIntervalSchema = z.looseObject({
  start: ms,
  end: ms,
  action: z.string(),
  /** Who it hits, for people (partitions by their sides: harness/report/fault-label.ts). */
  target: z.string(),
  /** Workers it cut off or touched, when known. */
  workers: z.array(z.string()).optional(),
});
export type FaultInterval = z.infer<typeof FaultIntervalSchema>;

/** Reconnect (heal → registered and synced) samples of one strategy × condition × fleet size. */
export const ReconnectSampleGroupSchema = z
  .looseObject({
    strategy: z.string(),
    condition: z.string().default('scenario'),
    fleetSize: count.optional(),
    ms: z.array(ms),
    beyondBackoffMs: z.array(z.number().finite()).optional(),
  })
  .refine((g) => g.beyondBackoffMs === undefined || g.beyondBackoffMs.length === g.ms.length, {
    message: 'beyondBackoffMs must have one entry per ms sample',
    path: ['beyondBackoffMs'],
  });
export type ReconnectSampleGroup = z.infer<typeof ReconnectSampleGroupSchema>;

/** One row of the reconnection benchmark (all times in ms). */
export const BenchRowSchema = z.looseObject({
  condition: z.string(),
  strategy: z.string(),
  fleetSize: count,
  p50: ms,
  p95: ms,
  p99: ms,
  max: ms,
  beyondBackoffP99: z.number().finite(),
  failedHandshakes: count,
  loopLagP99: ms,
  cpuPercent: z.number().finite().nonnegative(),
});
export type BenchRow = z.infer<typeof BenchRowSchema>;

/** A service-level objective and what was measured against it; target 'informational' marks a row shown for comparison only. */
export const SloResultSchema = z.looseObject({
  name: z.string(),
  target: z.union([z.number(), z.string()]),
  measured: z.union([z.number(), z.string(), z.null()]),
  unit: z.string().optional(),
  passed: z.boolean(),
});
export type SloResult = z.infer<typeof SloResultSchema>;

/** One seed of a sweep (`squall sim --seeds K`). */
export const SweepRunSchema = z.looseObject({
  /** Set when the sweep spans scenarios (a suite, a merged report). */
  scenario: z.string().optional(),
  seed: z.number().int(),
  passed: z.boolean(),
  traceHash: z.string().optional(),
  violations: count,
  simulatedMs: ms.optional(),
  wallMs: ms.optional(),
});
export type SweepRun = z.infer<typeof SweepRunSchema>;

/** What a sweep or suite meant to run (all shards together), and which slice this result is. */
export const PlanSchema = z.looseObject({
  units: z.array(z.looseObject({ scenario: z.string(), seed: z.number().int() })),
  shard: z.looseObject({ index: z.number().int().positive(), count: z.number().int().positive() }).optional(),
});
export type Plan = z.infer<typeof PlanSchema>;

/** A promise as the checker names it (the report shows whatever list the checker exposes). */
export const PromiseEntrySchema = z.looseObject({ number: z.number().int(), name: z.string(), title: z.string() });
export type PromiseEntry = z.infer<typeof PromiseEntrySchema>;

export const RunResultSchema = z.looseObject({
  schemaVersion: z.literal(RUN_RESULT_SCHEMA_VERSION),
  runId: z.string().min(1),
  kind: z.enum([RunKind.Sim, RunKind.Live, RunKind.BenchReconnect, RunKind.BenchPeers]),
  /** ISO-8601 wall-clock start. */
  startedAt: z.string(),
  /** squall version that produced the run. */
  version: z.string(),
  scenario: z.string().optional(),
  seed: z.number().int().optional(),
  passed: z.boolean(),
  traceHash: z.string().optional(),
  simulatedMs: ms.optional(),
  wallMs: ms,
  /** Promises (numbers or slugs) the checker evaluated; default: all ten for sim/live, none for benches. */
  promisesChecked: z.array(z.union([z.number().int(), z.string()])).optional(),
  violations: z.array(ViolationSchema).default([]),
  metrics: MetricsSchema.default({}),
  timeline: z.array(TimelinePointSchema).default([]),
  faults: z.array(FaultIntervalSchema).default([]),
  reconnectSamples: z.array(ReconnectSampleGroupSchema).default([]),
  benchRows: z.array(BenchRowSchema).optional(),
  /** Bare `ws` connect + handshake on loopback, the floor reconnects are compared with. */
  floor: z.looseObject({ p50: ms, p99: ms }).optional(),
  slo: z.array(SloResultSchema).default([]),
  sweep: z.array(SweepRunSchema).optional(),
  /** Sweeps and suites: every unit planned over all shards (`squall report merge` finds the uncovered ones). */
  plan: PlanSchema.optional(),
  /** A merged report: planned units that no shard ran. */
  uncovered: z.array(z.looseObject({ scenario: z.string(), seed: z.number().int() })).optional(),
  /** Every promise the checker knows, in its order (drives the report's per-promise table). */
  promiseCatalog: z.array(PromiseEntrySchema).optional(),
  /** The scenario file's description. */
  description: z.string().optional(),
  /** ms from the start of the run when faults stopped (the heal), if they did. */
  healAt: ms.optional(),
  /** Per-operation timeline: each execution from submission to its terminal status (the first few hundred). */
  operations: z
    .array(z.looseObject({ id: z.string(), kind: z.string(), start: ms, end: ms.nullable(), outcome: z.string(), workers: z.array(z.string()), attempts: count }))
    .optional(),
  /** How many operations the run had (operations may hold fewer). */
  operationsTotal: count.optional(),
  /** Sibling files of the report (e.g. history.jsonl) it links to. */
  files: z.array(z.looseObject({ name: z.string(), title: z.string() })).optional(),
});
/** A fully defaulted, validated result (what the renderers take). */
export type RunResult = z.infer<typeof RunResultSchema>;
/** What producers may hand in: defaulted arrays may be left out. */
export type RunResultInput = z.input<typeof RunResultSchema>;

/** Validates producer output or a parsed result.json; throws InvalidArgumentError naming the field. */
export function parseRunResult(input: unknown, source = 'run result'): RunResult {
  const parsed = RunResultSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  throw new InvalidArgumentError(
    `${source} is not a valid RunResult (schemaVersion ${RUN_RESULT_SCHEMA_VERSION}): ` +
      `${path === '' ? '(root)' : path}: ${issue?.message ?? 'invalid'}`,
    path,
  );
}

/** p50/p95/p99/max/count of raw millisecond samples, exact (system/core/stats.ts), as run reports show them. */
export function summarizeSamples(samples: readonly number[]): LatencySummary {
  return reportSummary(exactSummary(samples));
}

/** The fields of a stats summary a RunResult keeps (its LatencySummary). */
export function reportSummary(s: StatsSummary): LatencySummary {
  return { p50: s.p50, p95: s.p95, p99: s.p99, max: s.max, count: s.count };
}

/** One reconnect measurement, as producers naturally collect them. */
export interface ReconnectSample {
  strategy: string;
  condition?: string;
  fleetSize?: number;
  ms: number;
  beyondBackoffMs?: number;
}

const roundUs = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Groups per-sample rows into the compact columnar form stored in result.json.
 * Groups keep the order in which they first appear (the producer's order of
 * conditions and strategies, which the charts follow).
 */
export function groupReconnectSamples(samples: Iterable<ReconnectSample>): ReconnectSampleGroup[] {
  const groups = new Map<string, ReconnectSampleGroup & { hasBeyond: boolean }>();
  for (const s of samples) {
    const condition = s.condition ?? 'scenario';
    const key = JSON.stringify([condition, s.fleetSize ?? -1, s.strategy]);
    let g = groups.get(key);
    if (!g) {
      g = { strategy: s.strategy, condition, ms: [], beyondBackoffMs: [], hasBeyond: true };
      if (s.fleetSize !== undefined) g.fleetSize = s.fleetSize;
      groups.set(key, g);
    }
    g.ms.push(roundUs(s.ms));
    if (s.beyondBackoffMs === undefined) g.hasBeyond = false;
    else g.beyondBackoffMs?.push(roundUs(s.beyondBackoffMs));
  }
  return [...groups.values()].map(({ hasBeyond, beyondBackoffMs, ...rest }) => (hasBeyond ? { ...rest, beyondBackoffMs } : rest));
}

/**
 * The promises the checker holds, for naming test cases and violations: taken from
 * harness/check/promises.ts so the report never lags the checker (a hand-kept copy
 * stopped at 17 and spelled promise 10 'connection-liveness', which no violation carries).
 */
export const PROMISES: readonly { readonly id: number; readonly slug: string; readonly title: string }[] = CHECKER_PROMISES.map((p) => ({
  id: p.number,
  slug: p.name,
  title: p.title,
}));

/** Finds the catalogue entry a violation's `promise` refers to (by number, slug or title). */
export function findPromise(ref: number | string): (typeof PROMISES)[number] | undefined {
  if (typeof ref === 'number') return PROMISES.find((p) => p.id === ref);
  const norm = ref.trim().toLowerCase();
  const asNum = /^\d+$/.test(norm) ? Number(norm) : NaN;
  return PROMISES.find((p) => p.id === asNum || p.slug === norm || p.title.toLowerCase() === norm);
}
