/**
 * Expands a scenario's workload into a time-ordered list of submissions, the
 * same in simulation and live: each is one execution spec or one graph, at a
 * time in ms from the start of the run. Graph shapes and which executions
 * fail are drawn from the seed, so a seed gives the same workload everywhere.
 *
 * An execution picked by `failureRate` is submitted as the `fail` kind (its
 * first `failTimes` attempts fail, `always`: every attempt), keeping the
 * item's retry policy, timeout and priority.
 */
import type { ExecutionSpec, GraphSpec } from '../../system/engine/index.js';
import type { Random } from '../../system/core/index.js';
import type { WorkloadItem, Scenario } from './schema.js';
import type { ControlOp, ItemDependency } from './schema-engine.js';
import { awkwardJson } from './awkward-json.js';
import { variedPayload, type VariedPayload } from './idem-variants.js';
import { utf8Text } from '../sim/utf8-text.js';

/** The fail kind's bound on `times`: effectively "always". */
const ALWAYS_FAIL_TIMES = 1000;

/**
 * Client requests to make on a submission once it is acknowledged (cancel,
 * pause, resume), startAfterMs (future-dated: datedAt), and the earlier
 * submissions (ref) whose execution at `node` it depends on, every one
 * (workload dependsOn; the driver names each by its acknowledged id).
 */
type Controls = { control: ControlOp[]; startAfterMs?: number; after?: { ref: string; node: number }[]; client?: string };

/** The fields every submission of an item carries besides its specs (controls, future dating, the x-squall-client it sends). */
const extrasOf = (item: WorkloadItem): Pick<Controls, 'control' | 'startAfterMs' | 'client'> => ({
  control: item.control,
  ...(item.startAfterMs === undefined ? {} : { startAfterMs: item.startAfterMs }),
  ...(item.client === undefined ? {} : { client: item.client }),
});

export type Submission =
  | ({ at: number; ref: string; item: string; type: 'task'; spec: ExecutionSpec } & Controls)
  | ({ at: number; ref: string; item: string; type: 'batch'; specs: ExecutionSpec[] } & Controls)
  | ({ at: number; ref: string; item: string; type: 'graph'; shape: string; graph: GraphSpec } & Controls);

/** A submission's specs in the order the coordinator answers with execution ids (a graph's in Object.keys order). */
export function specsOf(s: Submission): ExecutionSpec[] {
  return s.type === 'task' ? [s.spec] : s.type === 'batch' ? s.specs : Object.values(s.graph);
}

/**
 * What the client asked of one execution, recorded with the submission so
 * the checker judges the engine against the request, not against what the
 * system says it accepted (harness/check/promises-engine.ts).
 */
export interface Intent {
  priority: string;
  timeoutMs?: number;
  idempotencyKey?: string;
  /** The retry fields the client gave (the engine fills in the rest). */
  retry?: NonNullable<ExecutionSpec['retry']>;
  /** The documented-default fields the client left out (harness/check/promises-api-defaults.ts reads each back). */
  omitted?: string[];
  /** A graph task's name (its taskId when the client gives none). */
  node?: string;
}

/** The spec fields with a documented default the checker reads back when the client leaves them out. */
const DEFAULTED = ['priority', 'timeoutMs', 'taskId', 'metadata', 'idempotencyKey'] as const;
const RETRY_FIELDS = ['strategy', 'maxRetries', 'delayMs', 'maxDelayMs'] as const;

/** Which of them one spec leaves out (a retry field as `retry.<field>`). */
function omittedOf(spec: ExecutionSpec): string[] {
  return [...DEFAULTED.filter((f) => spec[f] === undefined), ...RETRY_FIELDS.filter((f) => spec.retry?.[f] === undefined).map((f) => `retry.${f}`)];
}

/** Per execution of a submission (a graph's nodes in Object.keys order). */
export function intentOf(s: Submission): Intent[] {
  const names = s.type === 'graph' ? Object.keys(s.graph) : [];
  return specsOf(s).map((spec, i) => ({
    priority: spec.priority ?? 'medium',
    ...(spec.timeoutMs === undefined ? {} : { timeoutMs: spec.timeoutMs }),
    ...(spec.idempotencyKey === undefined ? {} : { idempotencyKey: spec.idempotencyKey }),
    ...(spec.retry === undefined ? {} : { retry: spec.retry }),
    omitted: omittedOf(spec),
    ...(names[i] === undefined ? {} : { node: names[i] }),
  }));
}

/** The n-th echo value of an item with valueBytes: valueBytes + n × valueStepBytes UTF-8 bytes (a sweep across the frame limit), 'x's or (valueText utf8) seeded multi-byte text. */
function echoValue(item: WorkloadItem, n: number): string {
  const bytes = (item.valueBytes ?? 0) + n * (item.valueStepBytes ?? 0);
  return item.valueText === 'utf8' ? utf8Text(bytes, bytes + n) : 'x'.repeat(bytes);
}

/** A taskId a browser would turn into elements if it parsed it as HTML (ui-page.ts looks for `data-injected`). */
const markupTaskId = (name: string, n: number): string => `<img src=x onerror=alert(${n}) data-injected> <b data-injected>${name}</b> &amp; &lt;${n}`;

function specOf(item: WorkloadItem, random: Random, n = 0): ExecutionSpec {
  const fails = item.failureRate > 0 && random.float() < item.failureRate;
  const spec: ExecutionSpec = fails
    ? { kind: 'fail', params: { times: item.failTimes === 'always' ? ALWAYS_FAIL_TIMES : item.failTimes } }
    : { kind: item.kind, params: { ...item.params, ...(item.valueBytes === undefined ? {} : { value: echoValue(item, n) }) } };
  if (item.awkwardJson) {
    spec.metadata = awkwardJson(4096, 2 * n);
    if (spec.kind === 'echo') spec.params = { ...(spec.params as Record<string, unknown>), value: awkwardJson(2048, 2 * n + 1) };
  }
  // An item without a priority submits none: the engine's documented default (medium) is read back (promises-api-defaults.ts).
  if (item.priority !== undefined) spec.priority = item.priority;
  if (item.markupTaskId) spec.taskId = markupTaskId(item.name ?? item.kind, n);
  if (item.retry !== undefined) spec.retry = { ...item.retry };
  if (item.timeoutMs !== undefined) spec.timeoutMs = item.timeoutMs;
  return spec;
}

/** Edges of a graph shape over nodes 0..size-1 (i → j means j depends on i). */
function graphEdges(shape: WorkloadItem['graph']['shape'], size: number, edgeProbability: number, random: Random): [number, number][] {
  const edges: [number, number][] = [];
  switch (shape) {
    case 'none':
      break;
    case 'chain':
      for (let i = 1; i < size; i++) edges.push([i - 1, i]);
      break;
    case 'fanout':
      for (let i = 1; i < size; i++) edges.push([0, i]);
      break;
    case 'diamond':
      for (let i = 1; i < size - 1; i++) edges.push([0, i], [i, size - 1]);
      break;
    case 'random-dag':
      for (let j = 1; j < size; j++) for (let i = 0; i < j; i++) if (random.float() < edgeProbability) edges.push([i, j]);
      break;
  }
  return edges;
}

function graphOf(item: WorkloadItem, random: Random): GraphSpec {
  const { shape, size, edgeProbability } = item.graph;
  const graph: GraphSpec = {};
  for (let i = 0; i < size; i++) graph[`n${i}`] = { ...specOf(item, random), dependsOn: [] };
  for (const [from, to] of graphEdges(shape, size, edgeProbability, random)) graph[`n${to}`]!.dependsOn!.push(`n${from}`);
  return graph;
}

/**
 * The dependencies the client asks for, by node position (Object.keys order,
 * the order scheduleTaskGraph returns execution ids in). Copied before
 * submitting, so the checker judges order by the client's intent, not by what
 * the system says it submitted (a system that drops dependencies reports none).
 */
export function graphDependsOn(graph: GraphSpec): number[][] {
  const names = Object.keys(graph);
  return names.map((n) => (graph[n]?.dependsOn ?? []).map((d) => names.indexOf(d)));
}

/**
 * The submission as sent at `now` (epoch ms, the coordinator's clock): a
 * future-dated one gets scheduledAt = now + startAfterMs on every spec.
 */
export function datedAt(s: Submission, now: number): Submission {
  if (s.startAfterMs === undefined) return s;
  const scheduledAt = now + s.startAfterMs;
  return mapSpecs(s, (spec) => ({ ...spec, scheduledAt }));
}

/** `s` with `f` applied to every spec it submits (its task, each task of a batch, each node of a graph). */
function mapSpecs(s: Submission, f: <T extends GraphSpec[string]>(spec: T) => T): Submission {
  if (s.type === 'task') return { ...s, spec: f(s.spec) };
  if (s.type === 'batch') return { ...s, specs: s.specs.map(f) };
  const graph: GraphSpec = {};
  for (const [name, node] of Object.entries(s.graph)) graph[name] = f(node);
  return { ...s, graph };
}

/** The idempotency key of the item's n-th task, if the item has keys (n modulo their number). */
function keyOf(item: WorkloadItem, name: string, n: number): string | undefined {
  return item.idempotency === undefined ? undefined : `${item.idempotency.shareWith ?? name}-k${(n % item.idempotency.keys) + 1}`;
}

/**
 * A graph whose root node n0 carries `key` (graph items with idempotency):
 * a later submission repeating the key plans n0 as the execution that holds
 * it, and its other nodes depend on that execution (blind set 10 #09).
 */
function keyedRoot(graph: GraphSpec, key: string | undefined): GraphSpec {
  const root = graph.n0;
  if (key === undefined || root === undefined) return graph;
  return { ...graph, n0: { ...root, idempotencyKey: key } };
}

/** A batch item: its `count` tasks in one submission at `at` (idempotency keys as for single tasks, so a key may repeat inside the batch). */
function batchOf(item: WorkloadItem, name: string, random: Random): Submission {
  const specs: ExecutionSpec[] = [];
  for (let n = 0; n < item.count; n++) {
    const spec = specOf(item, random, n);
    const key = keyOf(item, name, n);
    if (key !== undefined) spec.idempotencyKey = key;
    specs.push(spec);
  }
  return { at: item.at, ref: `${name}#1`, item: name, type: 'batch', specs, ...extrasOf(item) };
}

/**
 * The spec of `s` with `executionIds` added to the dependencies of its task
 * (every task of a batch), or of every root of its graph (a node that depends on no other node).
 */
function withDependencies(s: Submission, executionIds: readonly string[]): Submission {
  return mapSpecs(s, (spec) => ((spec.dependsOn ?? []).length === 0 ? { ...spec, dependencies: [...(spec.dependencies ?? []), ...executionIds] } : spec));
}

/**
 * `s` ready to leave: as it is, or (workload dependsOn) depending on the
 * acknowledged executions it names, or the reason it cannot leave (one of
 * those executions has no id the client knows).
 */
export function resolveAfter(s: Submission, idsOf: ReadonlyMap<string, readonly string[]>): { submission: Submission; after: string[] } | { skipped: string } {
  if (s.after === undefined) return { submission: s, after: [] };
  const after: string[] = [];
  for (const dep of s.after) {
    const id = idsOf.get(dep.ref)?.[dep.node];
    if (id === undefined) return { skipped: `its dependency ${dep.ref} (node ${dep.node}) has no acknowledged execution id` };
    after.push(id);
  }
  return { submission: withDependencies(s, after), after };
}

/** Submission n's dependencies: submission n (modulo its count) of each item named, at its node. */
function afterOf(deps: readonly ItemDependency[], items: readonly WorkloadItem[], names: readonly string[], n: number): { ref: string; node: number }[] {
  return deps.map((dep) => {
    const count = items[names.indexOf(dep.item)]?.count ?? 1;
    return { ref: `${dep.item}#${(n % count) + 1}`, node: dep.node };
  });
}

/** Every submission of the scenario, ordered by time (stable). */
export function expandWorkload(scenario: Scenario, random: Random): Submission[] {
  const out: Submission[] = [];
  const items = scenario.workload.items;
  const names = items.map((item, i) => item.name ?? `item${i + 1}`);
  const firsts = new Map<string, VariedPayload>();
  items.forEach((item, itemIndex) => {
    const name = names[itemIndex] ?? `item${itemIndex + 1}`;
    if (item.batch) {
      out.push(batchOf(item, name, random));
      return;
    }
    for (let n = 0; n < item.count; n++) {
      // Concurrent repeats of an idempotency key go at the time of the key's first submission (same tick).
      const slot = item.idempotency?.concurrent === true ? n % item.idempotency.keys : n;
      const at = Math.round(item.at + (item.ratePerSec === undefined ? 0 : (slot * 1000) / item.ratePerSec));
      const ref = `${name}#${n + 1}`;
      const extra = extrasOf(item);
      const after = item.dependsOn === undefined ? {} : { after: afterOf(item.dependsOn, items, names, n) };
      if (item.graph.shape === 'none') {
        const spec = specOf(item, random, n);
        const key = keyOf(item, name, n);
        if (key !== undefined) spec.idempotencyKey = key;
        if (key !== undefined && item.idempotency?.vary === true) Object.assign(spec, variedPayload(firsts, key, spec.params as Record<string, unknown>, spec.kind === 'echo', random));
        out.push({ at, ref, item: name, type: 'task', spec, ...extra, ...after });
      } else out.push({ at, ref, item: name, type: 'graph', shape: item.graph.shape, graph: keyedRoot(graphOf(item, random), keyOf(item, name, n)), ...extra, ...after });
    }
  });
  return out.map((s, i) => ({ s, i })).sort((a, b) => a.s.at - b.s.at || a.i - b.i).map((x) => x.s);
}
