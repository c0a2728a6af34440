/**
 * The scenario file schema (zod; the JSON Schema for editors is generated from
 * it into scenarios/schema.json by gen-json-schema.ts). A scenario means the
 * same thing in simulation and live.
 *
 * A run has two phases: `phases.faultsMs` of faults (the timeline in `faults`
 * plus `swarm` faults drawn from the seed), then heal: every fault still active
 * is removed (links healed, paused processes resumed, killed ones restarted,
 * skew reset) and the system must converge within `phases.healMs`.
 *
 *   name, description, seed (default 1)
 *   fleet        workers (ids w1..wN, see workerIds), concurrency, groups
 *                (named sets of workers by count, id range or ids, each
 *                with an optional backoff of its own), backoff
 *                {strategy, initialMs, maxMs, multiplier}, heartbeatMs, ...
 *   coordinator  heartbeatMs, heartbeatTimeoutMs, leaseMs, store, secret, ...
 *   workload     items: {kind, count, at | ratePerSec, params, failureRate,
 *                failTimes, retry, timeoutMs, priority, graph}; flood
 *   faults       timeline of {at, for?, target, action, repeat?} (faults.ts)
 *   swarm        random faults from the seed (faults.ts)
 *   phases       faultsMs, healMs
 *   checks       which of the ten promises to check (default all) + tolerances
 *   slo          reconnect p50/p99, all work done within T after heal, ...
 *   buggify      seeded window-widening in simulation (docs/MARKS.md)
 *
 * Sizes have documented maxima (workers, counts, rates, swarm, phases,
 * totals), checked at load time and written into schema.json: limits.ts.
 *
 * Every object is strict: an unknown key is an error (with a "did you mean").
 * Types: `ScenarioInput` is what a file may say, `Scenario` is the validated,
 * defaulted result the runners consume. Helpers for runners: workerIds,
 * executionCount, enabledPromises, faultTimeline here; resolveGroups,
 * resolveEndpoint, resolveTarget in targets.ts. ScenarioSchema (structure +
 * cross-field rules) is in validate.ts; loadScenario/parseScenario in loader.ts.
 */
import { z } from 'zod';
import { RETRY_STRATEGIES } from '../../system/core/index.js';
import { PROMISE_NAMES } from '../check/promises.js';
import { Fault, Ms, PosInt, Swarm } from './faults.js';
import { ENGINE_COORDINATOR_FIELDS, ENGINE_ITEM_FIELDS, ENGINE_SCENARIO_FIELDS, STORE_COORDINATOR_FIELDS } from './schema-engine.js';
import { OPERATOR_COORDINATOR_FIELDS, OPERATOR_FLEET_FIELDS } from './schema-operator.js';
import { LIMIT_COORDINATOR_FIELDS } from './schema-limits.js';
import { NETWORK_SCENARIO_FIELDS } from './schema-network.js';
import { FLEET_SECURITY_FIELDS, SECURITY_COORDINATOR_FIELDS } from './schema-security.js';

export { Fault, FaultAction, faultTimeline, Swarm } from './faults.js';
const BACKOFF_STRATEGIES = ['none', 'full-jitter', 'equal-jitter', 'decorrelated-jitter'] as const;

/** Worker reconnect backoff; the cap is applied before jitter. */
const Backoff = z.strictObject({
  strategy: z.enum(BACKOFF_STRATEGIES).default('full-jitter'),
  initialMs: Ms.default(100),
  maxMs: PosInt.default(10_000),
  multiplier: z.number().min(1).default(2),
});
export type Backoff = z.output<typeof Backoff>;

/** A group's own reconnect backoff: each field it sets replaces the fleet's (one scenario can field two strategies). */
const GroupBackoff = z.strictObject({
  strategy: z.enum(BACKOFF_STRATEGIES).optional(),
  initialMs: Ms.optional(),
  maxMs: PosInt.optional(),
  multiplier: z.number().min(1).optional(),
});
const GroupBase = {
  name: z.string().min(1),
  backoff: GroupBackoff.optional(),
  /**
   * The group's workers are built in code (WorkerConfig, the embedding API) with exactly the fields
   * its `backoff` gives (none: no backoff at all), not the fleet's: the worker fills the rest with its
   * own defaults, and the checker judges it against its own copy of the documented ones
   * (harness/check/spec-tables.ts WORKER_BACKOFF_DOC_DEFAULTS). Simulation only: a live worker is
   * started with the resolved values as flags.
   */
  asGiven: z.boolean().optional(),
};

/** A named set of workers: the first `count` not yet grouped, an id range, or explicit ids; optionally with its own backoff. */
const WorkerGroup = z.union([
  z.strictObject({ ...GroupBase, count: PosInt }),
  z.strictObject({ ...GroupBase, from: PosInt, to: PosInt }),
  z.strictObject({ ...GroupBase, ids: z.array(z.string().min(1)).min(1) }),
], { error: () => 'a group is {name, count}, {name, from, to} (1-based, inclusive) or {name, ids: [...]}, each with an optional backoff' });
type WorkerGroup = z.output<typeof WorkerGroup>;

export const Fleet = z.strictObject({
  /** Number of workers; their ids are `${idPrefix}1` .. `${idPrefix}N`. */
  workers: PosInt,
  /** Tasks each worker runs at once. */
  concurrency: PosInt.default(4),
  idPrefix: z.string().min(1).default('w'),
  groups: z.array(WorkerGroup).default([]),
  backoff: Backoff.prefault({}),
  /** Worker heartbeat interval; undefined: use the coordinator's (sent in `welcome`). */
  heartbeatMs: PosInt.optional(),
  /** Worker-side half-open detection; undefined: use the coordinator's. */
  heartbeatTimeoutMs: PosInt.optional(),
  /** Connect + welcome + registered deadline per attempt (default 5000), doubled per consecutive handshake timeout up to handshakeTimeoutMaxMs (default 4×; simulation only). */
  handshakeTimeoutMs: PosInt.optional(),
  handshakeTimeoutMaxMs: PosInt.optional(),
  /** Outbox bound (messages); results and checkpoints are never dropped. */
  outboxLimit: PosInt.optional(),
  /** Task kinds the workers accept; undefined: every built-in kind. */
  kinds: z.array(z.string().min(1)).optional(),
  /** Dangerous kinds (command, container) each named worker is started with (allowKinds, --allow-kinds); the others allow none. */
  allowKinds: z.record(z.string().min(1), z.array(z.enum(['command', 'container']))).optional(),
  ...FLEET_SECURITY_FIELDS,
  ...OPERATOR_FLEET_FIELDS,
});
export type Fleet = z.output<typeof Fleet>;

const Coordinator = z.strictObject({
  heartbeatMs: PosInt.default(1_000),
  heartbeatTimeoutMs: PosInt.default(3_000),
  /**
   * Heartbeat timeouts adapt to the measured RTT on both sides (heartbeatTimeoutMs is then the
   * floor; core/rtt.ts). false: fixed at heartbeatTimeoutMs, as before (for comparisons).
   */
  adaptiveHeartbeat: z.boolean().default(true),
  leaseMs: PosInt.default(5_000),
  /** Handshakes the coordinator admits at once (admission control, close 4503 with retry-after beyond); default 256. */
  maxPendingHandshakes: PosInt.optional(),
  // The quotas and the stats' window (schema-limits.ts): maxPendingPerClient, maxPending, durationSamples.
  ...LIMIT_COORDINATOR_FIELDS,
  // The store and its simulated thread (schema-engine.ts): store, sqliteThreadMs.
  ...STORE_COORDINATOR_FIELDS,
  /** HMAC secret for registration; undefined: no authentication. */
  secret: z.string().min(1).optional(),
  /** Per-message signatures (needs `secret`). */
  signMessages: z.boolean().default(false),
  /** Global limit of running executions; undefined: only per-worker concurrency. */
  maxConcurrency: PosInt.optional(),
  maxFrameBytes: PosInt.optional(),
  /**
   * Per-kind circuit breaker of the engine (false: off). Scenarios default to a
   * short reset so deliberate failures (the `fail` kind) don't park work for
   * the production default of 30 s.
   */
  breaker: z
    .union([
      z.literal(false),
      z.strictObject({ failureThreshold: PosInt.default(5), resetTimeoutMs: PosInt.default(2_000), halfOpenMaxCalls: PosInt.default(1) }),
    ])
    .default({ failureThreshold: 5, resetTimeoutMs: 2_000, halfOpenMaxCalls: 1 }),
  // Engine-feature block (issue 10, schema-engine.ts): commitDelayMs.
  ...ENGINE_COORDINATOR_FIELDS,
  // HTTP exposure (schema-security.ts): listen, allowedHosts.
  ...SECURITY_COORDINATOR_FIELDS,
  // Operator command line (schema-operator.ts): args.
  ...OPERATOR_COORDINATOR_FIELDS,
});
type Coordinator = z.output<typeof Coordinator>;

const GRAPH_SHAPES = ['none', 'chain', 'fanout', 'diamond', 'random-dag'] as const;

/**
 * Shape of each submission. none: one execution. chain: size in a line.
 * fanout: one root, size-1 children. diamond: root, size-2 middles, one sink.
 * random-dag: size nodes, an edge i→j (i<j) with edgeProbability (seeded).
 */
const Graph = z.strictObject({
  shape: z.enum(GRAPH_SHAPES).default('none'),
  size: z.number().int().min(2).default(4),
  edgeProbability: z.number().min(0).max(1).default(0.3),
});
type Graph = z.output<typeof Graph>;

const Retry = z.strictObject({
  strategy: z.enum(RETRY_STRATEGIES).optional(),
  maxRetries: z.number().int().nonnegative().optional(),
  delayMs: Ms.optional(),
  maxDelayMs: Ms.optional(),
});
type Retry = z.output<typeof Retry>;

/**
 * A batch of submissions: `count` submissions (graphs, when `graph.shape` is
 * not none) of one task kind, all at `at` or spread at `ratePerSec` from `at`.
 * `failureRate` of the executions (drawn from the seed) fail their first
 * `failTimes` attempts (`always`: every attempt).
 */
export const WorkloadItem = z.strictObject({
  name: z.string().min(1).optional(),
  kind: z.string().min(1),
  count: PosInt,
  at: Ms.default(0),
  ratePerSec: z.number().positive().optional(),
  params: z.record(z.string(), z.unknown()).default({}),
  failureRate: z.number().min(0).max(1).default(0),
  failTimes: z.union([PosInt, z.literal('always')]).default('always'),
  retry: Retry.optional(),
  timeoutMs: PosInt.optional(),
  priority: z.enum(['low', 'medium', 'high', 'critical']).optional(), // absent: none submitted (its default read back, promises-api-defaults.ts)
  graph: Graph.prefault({}),
  // Engine-feature block (issue 10, schema-engine.ts): idempotency, control.
  ...ENGINE_ITEM_FIELDS,
  /** The item's requests send `x-squall-client: <client>` (the quota's client, README "Quotas"); absent: no header, the address is the client. */
  client: z.string().min(1).max(200).optional(),
  /** echo only: params.value is a string of this many bytes (a result near or above the frame limit; validate-worker.ts). */
  valueBytes: PosInt.optional(),
  /** echo with valueBytes: the n-th execution's value is valueBytes + n × valueStepBytes bytes (a sweep across the frame limit, with and without the envelope). */
  valueStepBytes: PosInt.optional(),
  /** echo with valueBytes: `utf8` makes each value seeded text of 1-4 byte characters (harness/sim/utf8-text.ts), still valueBytes (+ n × step) UTF-8 bytes; `ascii` (the default) is 'x's. */
  valueText: z.enum(['ascii', 'utf8']).optional(),
});
export type WorkloadItem = z.output<typeof WorkloadItem>;

/** Every worker sends `messagesPerSec` progress messages of `bytes` each while connected. */
const Flood = z.strictObject({
  messagesPerSec: z.number().positive(),
  bytes: PosInt,
  /** Only while the fault phase lasts (default) or for the whole run. */
  during: z.enum(['faults', 'run']).default('faults'),
});
type Flood = z.output<typeof Flood>;

const Workload = z.strictObject({
  items: z.array(WorkloadItem).default([]),
  flood: Flood.optional(),
});
type Workload = z.output<typeof Workload>;

const Phases = z.strictObject({
  /** Length of the fault phase (ms of simulated or real time). */
  faultsMs: PosInt.default(10_000),
  /** Bound on convergence after faults stop: all accepted work terminal, workers reconnected. */
  healMs: PosInt.default(30_000),
});
type Phases = z.output<typeof Phases>;

/** Which promises to check and the tolerances of the timing checks. */
export const Checks = z.strictObject({
  promises: z.union([z.literal('all'), z.array(z.enum(PROMISE_NAMES)).min(1)]).default('all'),
  skip: z.array(z.enum(PROMISE_NAMES)).default([]),
  /** Slack for timing checks (retry delays, heartbeat detection): scheduling and latency. */
  toleranceMs: Ms.default(250),
  /** After heal every worker is connected again within this; default max(handshake, heartbeat timeout) + backoff.maxMs + toleranceMs. */
  maxReconnectBoundMs: PosInt.optional(),
  /**
   * Lockstep detection: backoff delays at the cap must spread over at least this
   * fraction of [floor, cap] (p90 - p10 of their positions); uniform jitter gives ~0.8.
   */
  minCapSpread: z.number().min(0).max(1).default(0.5),
});
export type Checks = z.output<typeof Checks>;

const Slo = z.strictObject({
  reconnectP50Ms: PosInt.optional(),
  reconnectP99Ms: PosInt.optional(),
  /** All accepted work terminal within this many ms after heal starts. */
  allWorkDoneWithinMs: PosInt.optional(),
  maxLostCompletions: z.number().int().nonnegative().default(0),
  maxDuplicateCompletions: z.number().int().nonnegative().default(0),
});
type Slo = z.output<typeof Slo>;

/**
 * The structure of a scenario. The full schema, with the cross-field rules
 * (targets exist, groups fit the fleet, faults end within the fault phase), is
 * `ScenarioSchema` in validate.ts; load files with loader.ts.
 */
export const ScenarioObject = z.strictObject({
  $schema: z.string().optional(), // JSON Schema reference for editors; ignored
  name: z
    .string()
    .min(1)
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'name must be kebab-case (a-z, 0-9, -)'),
  description: z.string().min(1),
  seed: z.number().int().nonnegative().default(1),
  fleet: Fleet,
  coordinator: Coordinator.prefault({}),
  workload: Workload.prefault({}),
  faults: z.array(Fault).default([]),
  swarm: Swarm.optional(),
  phases: Phases.prefault({}),
  checks: Checks.prefault({}),
  slo: Slo.prefault({}),
  ...ENGINE_SCENARIO_FIELDS, // engine-feature block (issue 10, schema-engine.ts): triggers, adversaries
  ...NETWORK_SCENARIO_FIELDS, // network.latencyMs (schema-network.ts): fractional-ms links in simulation
  /** BUGGIFY (issue 10, seeded stress in the seams): widen rare windows at seeded points in simulation (harness/sim/buggify.ts); ignored live. */
  buggify: z.boolean().default(false),
});

export type Scenario = z.output<typeof ScenarioObject>;

/** Worker ids of a fleet, in order: `${idPrefix}1` .. `${idPrefix}N`. */
export function workerIds(fleet: Pick<Fleet, 'workers' | 'idPrefix'>): string[] {
  return Array.from({ length: fleet.workers }, (_, i) => `${fleet.idPrefix}${i + 1}`);
}

/** Executions one workload item submits in total (graphs count their nodes). */
export function executionCount(item: WorkloadItem): number {
  return item.graph.shape === 'none' ? item.count : item.count * item.graph.size;
}

/** The promises a scenario asks to check, in order. */
export function enabledPromises(checks: Checks): (typeof PROMISE_NAMES)[number][] {
  const wanted = checks.promises === 'all' ? PROMISE_NAMES : checks.promises;
  return PROMISE_NAMES.filter((p) => wanted.includes(p) && !checks.skip.includes(p));
}
