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
import type { ControlOp } from './schema-engine.js';

/** The fail kind's bound on `times`: effectively "always". */
const ALWAYS_FAIL_TIMES = 1000;

/** Client requests to make on a submission once it is acknowledged (cancel, pause, resume); startAfterMs: future-dated (datedAt). */
type Controls = { control: ControlOp[]; startAfterMs?: number };

export type Submission =
  | ({ at: number; ref: string; item: string; type: 'task'; spec: ExecutionSpec } & Controls)
  | ({ at: number; ref: string; item: string; type: 'graph'; shape: string; graph: GraphSpec } & Controls);

/**
 * What the client asked of one execution, recorded with the submission so
 * the checker judges the engine against the request, not against what the
 * system says it accepted (harness/check/promises-engine.ts).
 */
export interface Intent {
  priority: string;
  timeoutMs?: number;
  idempotencyKey?: string;
}

/** Per execution of a submission (a graph's nodes in Object.keys order). */
export function intentOf(s: Submission): Intent[] {
  const specs = s.type === 'task' ? [s.spec] : Object.values(s.graph);
  return specs.map((spec) => ({
    priority: spec.priority ?? 'medium',
    ...(spec.timeoutMs === undefined ? {} : { timeoutMs: spec.timeoutMs }),
    ...(spec.idempotencyKey === undefined ? {} : { idempotencyKey: spec.idempotencyKey }),
  }));
}

function specOf(item: WorkloadItem, random: Random): ExecutionSpec {
  const fails = item.failureRate > 0 && random.float() < item.failureRate;
  const spec: ExecutionSpec = fails
    ? { kind: 'fail', params: { times: item.failTimes === 'always' ? ALWAYS_FAIL_TIMES : item.failTimes } }
    : { kind: item.kind, params: { ...item.params, ...(item.valueBytes === undefined ? {} : { value: 'x'.repeat(item.valueBytes) }) } };
  spec.priority = item.priority;
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
  if (s.type === 'task') return { ...s, spec: { ...s.spec, scheduledAt } };
  const graph: GraphSpec = {};
  for (const [name, spec] of Object.entries(s.graph)) graph[name] = { ...spec, scheduledAt };
  return { ...s, graph };
}

/** Every submission of the scenario, ordered by time (stable). */
export function expandWorkload(scenario: Scenario, random: Random): Submission[] {
  const out: Submission[] = [];
  scenario.workload.items.forEach((item, itemIndex) => {
    const name = item.name ?? `item${itemIndex + 1}`;
    for (let n = 0; n < item.count; n++) {
      // Concurrent repeats of an idempotency key go at the time of the key's first submission (same tick).
      const slot = item.idempotency?.concurrent === true ? n % item.idempotency.keys : n;
      const at = Math.round(item.at + (item.ratePerSec === undefined ? 0 : (slot * 1000) / item.ratePerSec));
      const ref = `${name}#${n + 1}`;
      const extra = { control: item.control, ...(item.startAfterMs === undefined ? {} : { startAfterMs: item.startAfterMs }) };
      if (item.graph.shape === 'none') {
        const spec = specOf(item, random);
        if (item.idempotency !== undefined) spec.idempotencyKey = `${name}-k${(n % item.idempotency.keys) + 1}`;
        out.push({ at, ref, item: name, type: 'task', spec, ...extra });
      } else out.push({ at, ref, item: name, type: 'graph', shape: item.graph.shape, graph: graphOf(item, random), ...extra });
    }
  });
  return out.map((s, i) => ({ s, i })).sort((a, b) => a.s.at - b.s.at || a.i - b.i).map((x) => x.s);
}
