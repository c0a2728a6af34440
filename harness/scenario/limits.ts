/**
 * Size limits of a scenario file, checked at load time (validate.ts) and
 * written into scenarios/schema.json as `maximum` (gen-json-schema.ts), so an
 * absurd size (`workers: 1e9`, `swarm.ratePerMin: 1e12`) is refused with a
 * message naming the field instead of exhausting memory 40 s into a run.
 * Each limit is far above what any scenario in scenarios/ needs and within
 * what one simulation process can hold; raise one here (with its reason)
 * when a real scenario needs more.
 */
import type { z } from 'zod';
import { swarmFaultCount } from './faults.js';
import { type Scenario, executionCount } from './schema.js';

/** One documented limit on a numeric field; `[]` in a path means "each element". */
export interface FieldLimit {
  path: string;
  max: number;
  why: string;
}

const DAY_MS = 86_400_000;
/** Phases may span a virtual month and more: timers past Node's 2^31-1 ms (~24.8 days) are chained (core/long-timer.ts), and only a simulation reaches them. */
const PHASE_MAX_MS = 40 * DAY_MS;

/** Per-field maxima (also in scenarios/schema.json). */
export const FIELD_LIMITS: readonly FieldLimit[] = [
  { path: 'fleet.workers', max: 2_000, why: 'each worker is a simulated process with its own timers and outbox (the largest shipped scenario has 500)' },
  { path: 'fleet.concurrency', max: 10_000, why: 'tasks per worker (squall worker --concurrency accepts up to 10000)' },
  { path: 'fleet.outboxLimit', max: 1_000_000, why: 'messages held in memory per worker' },
  { path: 'workload.items[].count', max: 100_000, why: 'submissions of one item are planned up front' },
  { path: 'workload.items[].ratePerSec', max: 10_000, why: 'submissions per second of one item' },
  { path: 'workload.items[].graph.size', max: 1_000, why: 'nodes per submitted graph' },
  { path: 'workload.items[].valueBytes', max: 4_194_304, why: 'one echo value, held in every assign and result (4 MiB: above the 1 MiB default frame limit)' },
  { path: 'workload.items[].valueStepBytes', max: 65_536, why: 'the step between an item\'s echo values (a sweep across the frame limit)' },
  { path: 'workload.flood.messagesPerSec', max: 10_000, why: 'data messages per second per worker' },
  { path: 'workload.flood.bytes', max: 1_048_576, why: 'one data message (the default maxFrameBytes is 1 MiB)' },
  { path: 'coordinator.sqliteThreadMs', max: 60_000, why: "one group's commit on the simulated SQLite thread" },
  { path: 'swarm.faults', max: 10_000, why: 'random faults are planned up front' },
  { path: 'swarm.ratePerMin', max: 6_000, why: 'random faults per minute of the fault phase (100 a second)' },
  { path: 'faults[].repeat.count', max: 10_000, why: 'a repeated fault is expanded up front' },
  { path: 'phases.faultsMs', max: PHASE_MAX_MS, why: '40 days (of simulated time: events, not wall time, cost; a month-long timer needs a month)' },
  { path: 'phases.healMs', max: DAY_MS, why: 'one day of simulated or real time' },
];

/** Totals over the whole file. */
export const TOTAL_LIMITS = {
  /** Executions the workload plans (graphs count their nodes). */
  executions: 200_000,
  /** Faults on the timeline: file timeline with repeats expanded plus the swarm's count. */
  faults: 20_000,
  /** Flood messages per second over the whole fleet (messagesPerSec × workers). */
  floodMessagesPerSec: 200_000,
} as const;

/** Every (concrete path, value) a limit path reaches in a parsed scenario. */
function valuesAt(root: unknown, path: string): { at: (string | number)[]; value: unknown }[] {
  let nodes: { at: (string | number)[]; value: unknown }[] = [{ at: [], value: root }];
  for (const part of path.split('.')) {
    const each = part.endsWith('[]');
    const key = each ? part.slice(0, -2) : part;
    const next: typeof nodes = [];
    for (const n of nodes) {
      const v = typeof n.value === 'object' && n.value !== null ? (n.value as Record<string, unknown>)[key] : undefined;
      if (v === undefined) continue;
      if (each && Array.isArray(v)) v.forEach((x, i) => next.push({ at: [...n.at, key, i], value: x }));
      else if (!each) next.push({ at: [...n.at, key], value: v });
    }
    nodes = next;
  }
  return nodes;
}

/**
 * Adds a problem at the offending field for every limit the scenario exceeds;
 * true when all sizes are within limits. Allocates nothing per worker or fault.
 */
export function checkLimits(s: Scenario, ctx: z.RefinementCtx): boolean {
  let ok = true;
  const problem = (path: (string | number)[], message: string): void => {
    ok = false;
    ctx.addIssue({ code: 'custom', path, message });
  };
  for (const l of FIELD_LIMITS) {
    for (const { at, value } of valuesAt(s, l.path)) {
      if (typeof value === 'number' && value > l.max) problem(at, `${value} is above the limit ${l.max} for ${l.path} (${l.why}); see harness/scenario/limits.ts`);
    }
  }
  const executions = s.workload.items.reduce((n, item) => n + executionCount(item), 0);
  if (executions > TOTAL_LIMITS.executions) {
    problem(['workload', 'items'], `the workload plans ${executions} executions in total, above the limit ${TOTAL_LIMITS.executions}; lower the counts or graph sizes`);
  }
  const timeline = s.faults.reduce((n, f) => n + (f.repeat?.count ?? 1), 0);
  const faults = timeline + (s.swarm === undefined ? 0 : swarmFaultCount(s.swarm, s.phases.faultsMs));
  if (faults > TOTAL_LIMITS.faults) {
    problem([s.swarm === undefined ? 'faults' : 'swarm'], `the run plans ${faults} faults in total, above the limit ${TOTAL_LIMITS.faults}`);
  }
  const flood = s.workload.flood;
  if (flood !== undefined && flood.messagesPerSec * s.fleet.workers > TOTAL_LIMITS.floodMessagesPerSec) {
    problem(['workload', 'flood', 'messagesPerSec'], `${flood.messagesPerSec} messages/s on each of ${s.fleet.workers} workers is above the fleet-wide limit ${TOTAL_LIMITS.floodMessagesPerSec}/s`);
  }
  return ok;
}

/** Writes each field limit into the generated JSON Schema as `maximum` (with the reason in `description`). */
export function applyLimitsToJsonSchema(schema: Record<string, unknown>): void {
  for (const l of FIELD_LIMITS) {
    let node: Record<string, unknown> | undefined = schema;
    for (const part of l.path.split('.')) {
      const each = part.endsWith('[]');
      const props = node?.properties as Record<string, Record<string, unknown>> | undefined;
      node = props?.[each ? part.slice(0, -2) : part];
      if (each) node = node?.items as Record<string, unknown> | undefined;
    }
    if (node === undefined) throw new Error(`limit path ${l.path} is not in the scenario JSON Schema; update FIELD_LIMITS`);
    node.maximum = l.max;
    node.description = `At most ${l.max}: ${l.why}.`;
  }
}
